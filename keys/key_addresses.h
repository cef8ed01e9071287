// key_addresses.h - every user ID address of every key, revoked ones too.
//
// pgp::KeySummary lists only the user IDs the daemon would match (neither
// revoked nor invalid), which leaves a revoked key with no address at all.
// An admin removing "bob@example.org" or reading a listing needs all of them.
//
// Failure: throws KeyringError when GnuPG cannot list the keyring.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace mailveil::keys {

struct UserIdAddress {
    std::string address;
    bool matched_by_daemon = true; // false: the user ID is revoked or invalid
};

struct KeyAddresses {
    std::string fingerprint;
    std::time_t primary_expires = 0;      // 0: never
    std::vector<UserIdAddress> addresses; // in the key's user ID order, no repeats
};

std::vector<KeyAddresses> list_key_addresses(const std::string& gnupg_home);

// The keys with a user ID (any state) whose address is this one, ignoring case.
std::vector<KeyAddresses> keys_with_address(const std::vector<KeyAddresses>& keys,
                                            std::string_view address);

} // namespace mailveil::keys
