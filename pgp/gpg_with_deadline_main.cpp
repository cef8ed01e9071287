// gpg-with-deadline - runs gpg with an alarm set: the program GPGME starts in
// gpg's place when the daemon has a gpg_timeout.
//
// A gpg that hangs (a keyring on a dead network mount, a stuck agent) would
// hold a milter thread, and at end of message a processing slot, for good.
// The alarm outlives exec, so gpg itself gets SIGALRM after the deadline and
// ends; GPGME then sees its pipes close and fails the operation, which the
// daemon tempfails. The daemon passes the real gpg and the deadline in the
// environment (GPGME's file_name takes no arguments):
//   MAILVEIL_GPG_PROGRAM   the gpg to run (GPGME's default engine)
//   MAILVEIL_GPG_DEADLINE  whole seconds, 1 or more
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

int refuse(const std::string& why) {
    std::fprintf(stderr, "gpg-with-deadline: %s\n", why.c_str());
    return 2;
}

} // namespace

int main(int, char** argv) {
    const char* program = std::getenv("MAILVEIL_GPG_PROGRAM");
    const char* deadline = std::getenv("MAILVEIL_GPG_DEADLINE");
    if (program == nullptr || *program != '/') {
        return refuse("MAILVEIL_GPG_PROGRAM must name gpg by its full path");
    }
    char* end = nullptr;
    const unsigned long seconds = deadline != nullptr ? std::strtoul(deadline, &end, 10) : 0;
    if (deadline == nullptr || end == deadline || *end != '\0' || seconds == 0 || seconds > 86400) {
        return refuse("MAILVEIL_GPG_DEADLINE must be whole seconds from 1 to 86400");
    }
    // The daemon's threads may block or ignore signals; both would survive exec.
    sigset_t alarm_only;
    sigemptyset(&alarm_only);
    sigaddset(&alarm_only, SIGALRM);
    sigprocmask(SIG_UNBLOCK, &alarm_only, nullptr);
    std::signal(SIGALRM, SIG_DFL);
    alarm(static_cast<unsigned>(seconds));
    execv(program, argv);
    return refuse(std::string("cannot run ") + program + ": " + std::strerror(errno));
}
