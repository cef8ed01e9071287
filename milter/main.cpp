// mailveil - the milter daemon: opportunistic OpenPGP encryption for Postfix and Sendmail.
//
//   mailveil -p SOCKET -k GNUPGHOME [-f]
//
// Checks the keyring, opens the socket (reporting errors on the terminal),
// then, unless -f, detaches and logs to syslog. libmilter runs the rest;
// SIGTERM/SIGINT stop it.
#include "core/engine.h"
#include "milter/callbacks.h"
#include "milter/log.h"
#include "milter/options.h"
#include "version.h"

#include <fcntl.h>
#include <sysexits.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>

namespace {

using namespace mailveil;

// Classic double-fork-free daemonisation: libmilter keeps no terminal.
bool detach() {
    const pid_t pid = fork();
    if (pid < 0) {
        return false;
    }
    if (pid > 0) {
        _exit(EX_OK);
    }
    if (setsid() < 0) {
        return false;
    }
    if (chdir("/") != 0) {
        return false;
    }
    const int null = ::open("/dev/null", O_RDWR);
    if (null < 0) {
        return false;
    }
    dup2(null, STDIN_FILENO);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    if (null > STDERR_FILENO) {
        close(null);
    }
    return true;
}

int run(const milter::Options& options) {
    milter::install_engine(
        std::make_shared<const core::Engine>(core::EngineSettings(options.keyring)));

    smfiDesc description = milter::make_filter_description();
    if (smfi_register(description) != MI_SUCCESS) {
        std::cerr << "mailveil: libmilter refused to register the filter\n";
        return EX_SOFTWARE;
    }
    if (smfi_setconn(const_cast<char*>(options.socket.c_str())) != MI_SUCCESS) {
        std::cerr << "mailveil: bad socket " << options.socket << "\n";
        return EX_USAGE;
    }
    if (smfi_opensocket(true) != MI_SUCCESS) {
        std::cerr << "mailveil: cannot open socket " << options.socket
                  << " (in use, or no permission?)\n";
        return EX_UNAVAILABLE;
    }
    if (!options.foreground && !detach()) {
        std::perror("mailveil: cannot detach");
        return EX_OSERR;
    }
    milter::log::open(options.foreground ? milter::log::Sink::Stderr : milter::log::Sink::Syslog);
    milter::log::info("mailveil " MAILVEIL_VERSION " listening on " + options.socket +
                      " keyring=" + options.keyring);
    const int status = smfi_main();
    milter::log::info(status == MI_SUCCESS ? "stopped" : "stopped after a libmilter failure");
    return status == MI_SUCCESS ? EX_OK : EX_SOFTWARE;
}

} // namespace

int main(int argc, char** argv) {
    milter::Options options;
    try {
        options = milter::parse_options(argc, argv);
    } catch (const milter::UsageError& e) {
        std::cerr << "mailveil: " << e.what() << "\n" << milter::kUsage;
        return EX_USAGE;
    }
    if (options.help) {
        std::cout << milter::kUsage;
        return EX_OK;
    }
    if (options.version) {
        std::cout << "mailveil " MAILVEIL_VERSION "\n";
        return EX_OK;
    }
    // GPGME talks to gpg over pipes; a gpg that dies must not kill the daemon.
    std::signal(SIGPIPE, SIG_IGN);
    try {
        return run(options);
    } catch (const std::exception& e) {
        std::cerr << "mailveil: " << e.what() << "\n";
        return EX_CONFIG;
    }
}
