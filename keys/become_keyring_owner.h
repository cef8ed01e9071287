// become_keyring_owner.h - act on the keyring as the user the daemon runs as.
//
// Run as root, mailveil-keys switches for good to the configured user and
// group (resolve_run_as / drop_privileges, as the daemon does), so the files
// GnuPG writes stay theirs. Run as anyone else, it acts as that user, like
// gpg would; when that user is not the configured one and the run writes to
// the keyring, it says so on standard error (the daemon may not be able to
// read what it writes). Called after the configuration and any input file have been read
// (as the caller) and before GnuPG first touches the keyring.
//
// With writes (import, remove) and create_keyring (import), a missing keyring directory is made
// with mode 0700 (owned by the run-as user when root); its parent must exist.
//
// Failure: throws std::runtime_error with the reason (unknown user, a user
// that is root, mkdir/chown/setuid failing, parent directory missing).
#pragma once

#include "config/settings.h"

namespace mailveil::keys {

void become_keyring_owner(const config::Settings& settings, bool writes, bool create_keyring);

} // namespace mailveil::keys
