// privileges.h - who the daemon runs as, and who may reach its socket.
//
// Started as root, mailveil binds its socket, hands the unix socket to the
// configured user and group, then drops to them for good; it refuses to run
// on as root. Started as another user it stays that user (and says so when
// that is not the configured one).
//
// Failure: throws std::runtime_error with the reason (unknown user, chown or
// setuid failing, a configured user that is root).
#pragma once

#include "config/settings.h"

#include <string>
#include <sys/types.h>

namespace mailveil::milter {

struct RunAs {
    uid_t uid;
    gid_t gid;
    std::string user;
};

// Looks up user and group (group: the user's primary group when empty).
RunAs resolve_run_as(const config::Settings& settings);

// The filesystem path of a unix: / local: socket spec, empty for inet sockets.
std::string unix_socket_path(const std::string& socket);

// chown the unix socket (if any) to the run-as user and group.
void hand_over_socket(const std::string& socket, const RunAs& run_as);

// setgroups/setgid/setuid; no way back. Does nothing when not root.
void drop_privileges(const RunAs& run_as);

} // namespace mailveil::milter
