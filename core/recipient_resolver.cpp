#include "core/recipient_resolver.h"

#include "pgp/address.h"

namespace mailveil::core {
namespace {

std::optional<pgp::RecipientKey> mapped_key(const pgp::Keyring& keyring, const KeyMap& map,
                                            const std::string& recipient,
                                            const std::string& address) {
    if (auto fingerprint = map.fingerprint_for(address)) {
        return keyring.find_usable_key_by_fingerprint(recipient, *fingerprint);
    }
    return std::nullopt;
}

} // namespace

std::string strip_extension(const std::string& address, const std::string& delimiter) {
    const auto at = address.rfind('@');
    if (delimiter.empty() || at == std::string::npos) {
        return address;
    }
    const auto cut = address.substr(0, at).find_first_of(delimiter);
    if (cut == std::string::npos || cut == 0) {
        return address;
    }
    return address.substr(0, cut) + address.substr(at);
}

Resolution resolve_recipient(const pgp::Keyring& keyring, const RecipientPolicy& policy,
                             const std::string& recipient) {
    Resolution resolution;
    resolution.recipient = pgp::bare_address(recipient);
    resolution.action = policy.rules.action_for(resolution.recipient);
    if (resolution.action == RecipientAction::Never) {
        return resolution;
    }
    const std::string& address = resolution.recipient;
    const std::string base = strip_extension(address, policy.recipient_delimiter);

    resolution.key = mapped_key(keyring, policy.key_map, address, address);
    if (!resolution.key && base != address) {
        resolution.key = mapped_key(keyring, policy.key_map, address, base);
    }
    if (!resolution.key && policy.key_map.fingerprint_for(address) == std::nullopt &&
        policy.key_map.fingerprint_for(base) == std::nullopt) {
        resolution.key = keyring.find_usable_key(address);
        if (!resolution.key && base != address) {
            resolution.key = keyring.find_usable_key(base);
        }
    }
    return resolution;
}

} // namespace mailveil::core
