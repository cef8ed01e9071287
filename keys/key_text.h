// key_text.h - how mailveil-keys writes a key's state: dates in UTC
// (YYYY-MM-DD, pgp::key_date), "usable" or "not usable: REASON" as the daemon judges it
// (pgp::Keyring::list_keys), and the exit codes every command shares.
#pragma once

#include "pgp/keyring.h"

#include <ctime>
#include <string>

namespace mailveil::keys {

// Exit codes (mailveil-keys(8), EXIT STATUS).
inline constexpr int kExitOk = 0;          // done; check: would encrypt
inline constexpr int kExitRefused = 1;     // nothing done (see message); check: plaintext
inline constexpr int kExitError = 2;       // usage, configuration, keyring or GnuPG error
inline constexpr int kExitRcptRefused = 3; // check: refused at RCPT (require without key)

// "never", or the date encryption to the key stops; for a key that is not
// usable, the date it expired (primary_expires, when that is why) or "-".
std::string expiry_text(const pgp::KeySummary& key, std::time_t primary_expires = 0);

// "usable" or "not usable: revoked" (expired, disabled, ...).
std::string status_text(const pgp::KeySummary& key);

} // namespace mailveil::keys
