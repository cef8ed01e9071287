// list_keys.h - "mailveil-keys list": every key of the keyring, one line per
// key and address: address, fingerprint, expiry, usable or why not.
//
// The verdict is the daemon's (pgp::Keyring::list_keys); the addresses are
// those of all user IDs (key_addresses.h), so a revoked or expired key still
// shows whom it was for. Addresses of user IDs the daemon ignores (revoked or
// invalid user IDs) are "not usable: user ID revoked or invalid".
//
// Failure: throws KeyringError when the keyring cannot be listed.
#pragma once

#include "pgp/keyring.h"

#include <ostream>

namespace mailveil::keys {

int list_keys(const pgp::Keyring& keyring, std::ostream& out);

} // namespace mailveil::keys
