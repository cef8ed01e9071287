#include "milter/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace mailveil::milter {

RunAs resolve_run_as(const config::Settings& settings) {
    const passwd* user = ::getpwnam(settings.user.c_str());
    if (user == nullptr) {
        throw std::runtime_error(
            "user \"" + settings.user +
            "\" does not exist (create it, or set user = in the configuration)");
    }
    RunAs run_as{user->pw_uid, user->pw_gid, settings.user};
    if (!settings.group.empty()) {
        const group* grp = ::getgrnam(settings.group.c_str());
        if (grp == nullptr) {
            throw std::runtime_error("group \"" + settings.group + "\" does not exist");
        }
        run_as.gid = grp->gr_gid;
    }
    return run_as;
}

std::string unix_socket_path(const std::string& socket) {
    for (const char* prefix : {"unix:", "local:"}) {
        if (socket.starts_with(prefix)) {
            return socket.substr(std::strlen(prefix));
        }
    }
    return socket.starts_with("/") ? socket : std::string();
}

void hand_over_socket(const std::string& socket, const RunAs& run_as) {
    const std::string path = unix_socket_path(socket);
    if (path.empty() || ::geteuid() != 0) {
        return;
    }
    if (::chown(path.c_str(), run_as.uid, run_as.gid) != 0) {
        throw std::runtime_error("cannot chown socket " + path + ": " + std::strerror(errno));
    }
}

void drop_privileges(const RunAs& run_as) {
    if (::geteuid() != 0) {
        return;
    }
    if (run_as.uid == 0) {
        throw std::runtime_error("refusing to run as root: set user = to an unprivileged user");
    }
    if (::setgroups(1, &run_as.gid) != 0 || ::setgid(run_as.gid) != 0 ||
        ::setuid(run_as.uid) != 0) {
        throw std::runtime_error("cannot switch to user " + run_as.user + ": " +
                                 std::strerror(errno));
    }
    if (::setuid(0) == 0) {
        throw std::runtime_error("still able to regain root after dropping privileges");
    }
}

} // namespace mailveil::milter
