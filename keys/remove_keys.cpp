#include "keys/remove_keys.h"

#include "core/errors.h"
#include "keys/key_addresses.h"
#include "keys/key_text.h"
#include "pgp/gpgme_handles.h"
#include "pgp/gpgme_runtime.h"

#include <algorithm>
#include <cctype>

namespace mailveil::keys {
namespace {

std::string joined_addresses(const KeyAddresses& key) {
    std::string text;
    for (const auto& uid : key.addresses) {
        text += (text.empty() ? "" : ", ") + uid.address;
    }
    return text.empty() ? "no address" : text;
}

void delete_key(const std::string& home, const std::string& fingerprint) {
    pgp::PooledContext ctx = pgp::make_context(home);
    gpgme_set_keylist_mode(ctx.get(), GPGME_KEYLIST_MODE_LOCAL);
    gpgme_key_t raw = nullptr;
    if (auto err = gpgme_get_key(ctx.get(), fingerprint.c_str(), &raw, 0);
        err != GPG_ERR_NO_ERROR) {
        throw KeyringError(pgp::describe_error("cannot find key " + fingerprint, err));
    }
    const pgp::Key key = pgp::Key::adopt(raw);
    // FORCE: no confirmation prompt. Without ALLOW_SECRET a key with a secret
    // part (which has no business in this keyring) is not deleted.
    if (auto err = gpgme_op_delete_ext(ctx.get(), key.get(), GPGME_DELETE_FORCE);
        err != GPG_ERR_NO_ERROR) {
        throw KeyringError(pgp::describe_error("cannot remove key " + fingerprint, err));
    }
}

} // namespace

std::string as_fingerprint(const std::string& text) {
    std::string hex;
    const std::string_view view =
        text.starts_with("0x") || text.starts_with("0X") ? std::string_view(text).substr(2) : text;
    for (const char c : view) {
        if (c == ' ') {
            continue;
        }
        if (!std::isxdigit(static_cast<unsigned char>(c))) {
            return {};
        }
        hex += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return hex.size() == 40 || hex.size() == 64 ? hex : std::string();
}

int remove_keys(const pgp::Keyring& keyring, const std::string& address_or_fingerprint,
                bool all_keys, std::ostream& out, std::ostream& err) {
    const auto keys = list_key_addresses(keyring.home());
    const std::string fingerprint = as_fingerprint(address_or_fingerprint);
    std::vector<KeyAddresses> doomed;
    if (!fingerprint.empty()) {
        std::copy_if(keys.begin(), keys.end(), std::back_inserter(doomed),
                     [&](const auto& key) { return key.fingerprint == fingerprint; });
    } else {
        doomed = keys_with_address(keys, address_or_fingerprint);
    }
    if (doomed.empty()) {
        err << "mailveil-keys: no key " << (fingerprint.empty() ? "for " : "with fingerprint ")
            << address_or_fingerprint << " in " << keyring.home() << "; nothing removed\n";
        return kExitRefused;
    }
    if (doomed.size() > 1 && !all_keys) {
        err << "mailveil-keys: " << doomed.size() << " keys for " << address_or_fingerprint
            << "; nothing removed. Remove one by its fingerprint, or all of them with --all:\n";
        for (const auto& key : doomed) {
            err << "  " << key.fingerprint << "  " << joined_addresses(key) << '\n';
        }
        return kExitRefused;
    }
    for (const auto& key : doomed) {
        delete_key(keyring.home(), key.fingerprint);
        out << "removed " << key.fingerprint << " (" << joined_addresses(key) << ")\n";
    }
    return kExitOk;
}

} // namespace mailveil::keys
