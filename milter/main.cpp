// mailveil - the milter daemon: opportunistic OpenPGP encryption for Postfix and Sendmail.
//
//   mailveil [-c FILE] [-p SOCKET] [-k GNUPGHOME] [-u USER] [-g GROUP] [-f] [-n]
//
// Start-up, in this order: read the configuration (flags win), build the
// engine (checks the keyring and policy files), open the socket as the
// starting user (reporting errors on the terminal), hand a unix socket to the
// run-as user and group, detach unless -f, write the pid file, drop root.
// Then libmilter serves connections on its own thread while the main thread
// waits for signals: SIGHUP reloads the configuration (a bad one is logged and
// the old one kept), SIGTERM/SIGINT stop accepting connections and give open
// ones time to finish before exiting. Under systemd (Type=notify) each of
// those steps is reported: READY=1 once listening, RELOADING=1 and READY=1
// around a reload, STOPPING=1 on shutdown.
#include "milter/callbacks.h"
#include "milter/config_check.h"
#include "milter/libmilter_signal_thread.h"
#include "milter/log.h"
#include "milter/options.h"
#include "milter/pid_file.h"
#include "milter/privileges.h"
#include "milter/runtime.h"
#include "milter/systemd_notify.h"
#include "milter/tcp_nodelay.h"
#include "pgp/gpg_deadline.h"
#include "version.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <future>
#include <iostream>
#include <thread>

namespace mailveil::milter {
namespace {

constexpr auto kShutdownGrace = std::chrono::seconds(30);

bool detach() {
    const pid_t pid = fork();
    if (pid < 0) {
        return false;
    }
    if (pid > 0) {
        _exit(EX_OK);
    }
    if (setsid() < 0 || chdir("/") != 0) {
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

// gpg-with-deadline: beside this program in a build tree, else where the
// package installs it.
std::string gpg_with_deadline_path() {
    std::error_code error;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    if (!error) {
        const auto beside = self.parent_path() / "gpg-with-deadline";
        if (::access(beside.c_str(), X_OK) == 0) {
            return beside.string();
        }
    }
    return MAILVEIL_LIBEXECDIR "/gpg-with-deadline";
}

config::Settings load(const Options& options) {
    // Without -c a missing default file means "defaults and flags".
    const bool use_file =
        options.config_file_given || ::access(options.config_file.c_str(), F_OK) == 0;
    return config::load_settings(use_file ? options.config_file : std::string(), options.overrides);
}

void warn_about_restart_only_changes(const config::Settings& before,
                                     const config::Settings& after) {
    const auto changed = [&](const char* key, const std::string& a, const std::string& b) {
        if (a != b) {
            log::warning(std::string("reload: ") + key + " changed; it takes effect on restart");
        }
    };
    changed("socket", before.socket, after.socket);
    changed("user", before.user, after.user);
    changed("group", before.group, after.group);
    changed("pid_file", before.pid_file, after.pid_file);
    changed("umask", std::to_string(before.umask), std::to_string(after.umask));
    changed("gpg_timeout", std::to_string(before.gpg_timeout), std::to_string(after.gpg_timeout));
}

void reload(const Options& options) {
    try {
        auto fresh = std::make_shared<const Runtime>(load(options));
        const auto old = current_runtime();
        warn_about_restart_only_changes(old->settings, fresh->settings);
        log::set_level(fresh->settings.log_level);
        install_runtime(fresh);
        log::info("reloaded configuration" + (fresh->settings.config_file.empty()
                                                  ? ""
                                                  : " from " + fresh->settings.config_file));
    } catch (const std::exception& e) {
        log::error(std::string("reload failed, keeping the running configuration: ") + e.what());
    }
}

volatile std::sig_atomic_t reload_requested = 0;

extern "C" void request_reload(int) {
    reload_requested = 1;
}

// The main thread's job once libmilter runs: wait for signals.
//
// SIGHUP is caught by a handler on this thread, not sigwaited: libmilter's
// own signal thread sigwaits on SIGHUP too and takes it as "stop". The kernel
// hands a process-directed signal to the main thread when that thread has it
// unblocked (see libmilter_signal_thread.h for the one moment it does not),
// so a reload reaches libmilter neither at start nor during another reload.
int serve(const Options& options) {
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    sigset_t hangup;
    sigemptyset(&hangup);
    sigaddset(&hangup, SIGHUP);
    // Blocked here before libmilter's threads exist, so they all inherit it
    // and the main thread, waiting in sigtimedwait, is the one that receives
    // SIGTERM and SIGINT; SIGHUP is unblocked on this thread alone below.
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    pthread_sigmask(SIG_BLOCK, &hangup, nullptr);
    struct sigaction on_hangup {};
    on_hangup.sa_handler = request_reload;
    sigemptyset(&on_hangup.sa_mask);
    sigaction(SIGHUP, &on_hangup, nullptr);

    // Shared with the libmilter thread, which may outlive this function when
    // libmilter does not stop in time.
    auto milter_status = std::make_shared<std::promise<int>>();
    auto stopped = milter_status->get_future();
    const pthread_t main_thread = pthread_self();
    const auto tasks_before_libmilter = tasks_now();
    std::thread milter([milter_status, main_thread] {
        const int status = smfi_main();
        // Wake the main thread if libmilter stopped by itself. Sent to that
        // thread alone: libmilter's own signal thread also sigwaits on
        // SIGTERM, and a process-wide signal could end up there.
        pthread_kill(main_thread, SIGTERM);
        milter_status->set_value(status);
    });
    pthread_sigmask(SIG_UNBLOCK, &hangup, nullptr);
    if (!wait_for_libmilter_signal_thread(tasks_before_libmilter, std::chrono::seconds(2))) {
        log::debug("libmilter's signal thread not seen waiting; reporting ready anyway");
    }
    notify_ready();
    for (;;) {
        // The handler interrupts the wait (EINTR); the tick covers a SIGHUP
        // that another thread's handler caught.
        const timespec tick{0, 250'000'000};
        const int signal = sigtimedwait(&stop_signals, nullptr, &tick);
        if (reload_requested != 0) {
            reload_requested = 0;
            notify_reloading();
            reload(options);
            notify_ready();
        }
        if (signal != SIGTERM && signal != SIGINT) {
            continue;
        }
        log::info(std::string("stopping on ") + (signal == SIGINT ? "SIGINT" : "SIGTERM"));
        notify_stopping();
        smfi_stop();
        break;
    }
    const auto deadline = std::chrono::steady_clock::now() + kShutdownGrace;
    int status = MI_FAILURE;
    if (stopped.wait_until(deadline) == std::future_status::timeout) {
        log::warning("libmilter did not stop within the grace period; exiting anyway");
        milter.detach();
    } else {
        status = stopped.get();
        milter.join();
    }
    while (open_connections() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (open_connections() > 0) {
        log::warning(std::to_string(open_connections()) +
                     " connections still open at exit; their MTAs will retry the messages");
    }
    log::info(status == MI_SUCCESS ? "stopped" : "stopped after a libmilter failure");
    return status == MI_SUCCESS ? EX_OK : EX_SOFTWARE;
}

int run(const Options& options) {
    auto runtime = std::make_shared<const Runtime>(load(options));
    const config::Settings& settings = runtime->settings;
    log::open(settings.log);
    log::set_level(settings.log_level);
    install_runtime(runtime);
    if (settings.gpg_timeout > 0) {
        pgp::set_gpg_deadline(
            {gpg_with_deadline_path(), std::chrono::seconds(settings.gpg_timeout)});
    }

    const bool root = ::geteuid() == 0;
    const RunAs run_as = root ? resolve_run_as(settings) : RunAs{::getuid(), ::getgid(), ""};
    if (root && run_as.uid == 0) {
        throw std::runtime_error("refusing to run as root: set user = to an unprivileged user");
    }

    set_envelope_without_replies(!unix_socket_path(settings.socket).empty());
    smfiDesc description = make_filter_description();
    if (smfi_register(description) != MI_SUCCESS) {
        throw std::runtime_error("libmilter refused to register the filter");
    }
    if (smfi_setconn(const_cast<char*>(settings.socket.c_str())) != MI_SUCCESS) {
        throw std::runtime_error("bad socket " + settings.socket);
    }
    ::umask(settings.umask);
    if (smfi_opensocket(true) != MI_SUCCESS) {
        throw std::runtime_error("cannot open socket " + settings.socket +
                                 " (in use, directory missing, or no permission?)");
    }
    hand_over_socket(settings.socket, run_as);
    if (const int listeners = disable_nagle_on_tcp_listeners(); listeners > 0) {
        log::debug("TCP_NODELAY set on " + std::to_string(listeners) + " listening socket(s)");
    }

    if (settings.log == config::LogSink::Syslog && !detach()) {
        throw std::runtime_error("cannot detach from the terminal");
    }
    PidFile pid_file(settings.pid_file);
    pid_file.write();
    if (root) {
        pid_file.chown_to(run_as.uid, run_as.gid);
        drop_privileges(run_as);
    }
    log::info("mailveil " MAILVEIL_VERSION " listening on " + settings.socket +
              " keyring=" + settings.keyring + (root ? " user=" + run_as.user : ""));
    return serve(options);
}

int check(const Options& options) {
    config::Settings settings;
    try {
        settings = load(options);
    } catch (const std::exception& e) {
        std::cout << "error: " << e.what() << "\nmailveil: configuration has errors\n";
        return 1;
    }
    const CheckReport report = check_configuration(settings, gpg_with_deadline_path());
    for (const auto& line : report.lines) {
        std::cout << line << "\n";
    }
    std::cout << "mailveil: " << report.errors << " errors, " << report.warnings << " warnings\n";
    return report.errors == 0 ? 0 : 1;
}

} // namespace
} // namespace mailveil::milter

int main(int argc, char** argv) {
    using namespace mailveil::milter;
    Options options;
    try {
        options = parse_options(argc, argv);
    } catch (const UsageError& e) {
        std::cerr << "mailveil: " << e.what() << "\n" << kUsage;
        return EX_USAGE;
    }
    if (options.help) {
        std::cout << kUsage;
        return EX_OK;
    }
    if (options.version) {
        std::cout << "mailveil " MAILVEIL_VERSION "\n";
        return EX_OK;
    }
    // GPGME talks to gpg over pipes; a gpg that dies must not kill the daemon.
    std::signal(SIGPIPE, SIG_IGN);
    if (options.check_only) {
        return check(options);
    }
    try {
        return run(options);
    } catch (const std::exception& e) {
        std::cerr << "mailveil: " << e.what() << "\n";
        if (log::to_syslog()) { // stderr is gone once detached
            log::error(e.what());
        }
        return EX_CONFIG;
    }
}
