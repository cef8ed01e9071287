// remove_keys.h - "mailveil-keys remove": delete public keys from the keyring.
//
// The argument is a fingerprint (40 or 64 hex digits; spaces and a leading
// "0x" allowed) or an address. An address held by several keys is ambiguous:
// the keys are listed and nothing is removed, unless all_keys (--all) asks to
// remove every one of them. Addresses match any user ID of a key, revoked
// ones too, ignoring case, never as a substring.
//
// Returns kExitOk, or kExitRefused for no such key / an ambiguous address.
// Failure: throws KeyringError when GnuPG fails.
#pragma once

#include "pgp/keyring.h"

#include <ostream>
#include <string>

namespace mailveil::keys {

int remove_keys(const pgp::Keyring& keyring, const std::string& address_or_fingerprint,
                bool all_keys, std::ostream& out, std::ostream& err);

// "0xAB CD..." -> "ABCD..." when it is a v4 or v5 fingerprint, else empty.
std::string as_fingerprint(const std::string& text);

} // namespace mailveil::keys
