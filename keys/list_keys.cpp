#include "keys/list_keys.h"

#include "keys/key_addresses.h"
#include "keys/key_text.h"

#include <iomanip>
#include <map>

namespace mailveil::keys {

int list_keys(const pgp::Keyring& keyring, std::ostream& out) {
    const auto summaries = keyring.list_keys();
    std::map<std::string, KeyAddresses> details;
    for (auto& key : list_key_addresses(keyring.home())) {
        details[key.fingerprint] = std::move(key);
    }
    if (summaries.empty()) {
        out << "keyring " << keyring.home() << " holds no key\n";
        return kExitOk;
    }
    const auto line = [&out](const std::string& address, const std::string& fingerprint,
                             const std::string& expires, const std::string& status) {
        out << std::left << std::setw(32) << address << ' ' << std::setw(40) << fingerprint << ' '
            << std::setw(10) << expires << ' ' << status << '\n';
    };
    line("ADDRESS", "FINGERPRINT", "EXPIRES", "STATUS");
    for (const auto& key : summaries) {
        const auto& detail = details[key.fingerprint];
        const std::string expires = expiry_text(key, detail.primary_expires);
        const auto& uids = detail.addresses;
        if (uids.empty()) {
            line("(no address)", key.fingerprint, expires, status_text(key));
        }
        for (const auto& uid : uids) {
            // The daemon skips revoked or invalid user IDs: no mail to that address.
            const bool skipped = key.usable && !uid.matched_by_daemon;
            line(uid.address, key.fingerprint, skipped ? "-" : expires,
                 skipped ? "not usable: user ID revoked or invalid" : status_text(key));
        }
    }
    return kExitOk;
}

} // namespace mailveil::keys
