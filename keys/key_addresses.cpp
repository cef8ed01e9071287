#include "keys/key_addresses.h"

#include "pgp/address.h"
#include "pgp/key_listing.h"

#include <algorithm>

namespace mailveil::keys {
namespace {

KeyAddresses addresses_of(gpgme_key_t key) {
    KeyAddresses entry{key->fpr != nullptr ? key->fpr : "",
                       key->subkeys != nullptr ? key->subkeys->expires : 0,
                       {}};
    for (gpgme_user_id_t uid = key->uids; uid != nullptr; uid = uid->next) {
        if (uid->address == nullptr || *uid->address == '\0') {
            continue;
        }
        const bool matched = !uid->revoked && !uid->invalid;
        auto same = std::find_if(entry.addresses.begin(), entry.addresses.end(),
                                 [&](const UserIdAddress& known) {
                                     return pgp::same_address(known.address, uid->address);
                                 });
        if (same == entry.addresses.end()) {
            entry.addresses.push_back({uid->address, matched});
        } else if (matched) {
            same->matched_by_daemon = true;
        }
    }
    return entry;
}

} // namespace

std::vector<KeyAddresses> list_key_addresses(const std::string& gnupg_home) {
    std::vector<KeyAddresses> keys;
    pgp::for_each_listed_key(gnupg_home, nullptr, [&keys](const pgp::Key& key) {
        keys.push_back(addresses_of(key.get()));
    });
    return keys;
}

std::vector<KeyAddresses> keys_with_address(const std::vector<KeyAddresses>& keys,
                                            std::string_view address) {
    std::vector<KeyAddresses> found;
    for (const auto& key : keys) {
        if (std::any_of(key.addresses.begin(), key.addresses.end(),
                        [&](const auto& uid) { return pgp::same_address(uid.address, address); })) {
            found.push_back(key);
        }
    }
    return found;
}

} // namespace mailveil::keys
