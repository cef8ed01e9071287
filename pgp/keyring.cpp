#include "pgp/keyring.h"

#include "core/errors.h"
#include "pgp/address.h"
#include "pgp/gpgme_runtime.h"
#include "pgp/key_listing.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>

namespace mailveil::pgp {
namespace {

bool subkey_can_encrypt_now(gpgme_subkey_t subkey, std::time_t now) {
    if (!subkey->can_encrypt || subkey->revoked || subkey->expired || subkey->disabled ||
        subkey->invalid) {
        return false;
    }
    if (subkey->expires > 0 && subkey->expires <= now) {
        return false;
    }
    return subkey->timestamp <= now; // a key from the future is not valid yet
}

bool has_matching_user_id(gpgme_key_t key, std::string_view recipient) {
    for (gpgme_user_id_t uid = key->uids; uid != nullptr; uid = uid->next) {
        if (!uid->revoked && !uid->invalid && uid->address != nullptr &&
            same_address(uid->address, recipient)) {
            return true;
        }
    }
    return false;
}

// Created later wins; then the lower fingerprint.
bool preferred(const RecipientKey& candidate, const RecipientKey& current) {
    if (candidate.created != current.created) {
        return candidate.created > current.created;
    }
    return candidate.fingerprint < current.fingerprint;
}

} // namespace

// Address -> the lookup's answer, for one keyring generation and a limited time.
class LookupCache {
  public:
    static constexpr std::time_t kLifetime = 60; // seconds
    static constexpr std::size_t kMaxEntries = 10000;

    // The remembered answer, if it is still good: same generation, not too
    // old, and a key that is still usable now.
    std::optional<std::optional<RecipientKey>>
    find(const std::string& address, std::uint64_t generation, std::time_t now) const {
        const std::lock_guard lock(mutex_);
        const auto entry = entries_.find(address);
        if (entry == entries_.end() || entry->second.generation != generation ||
            now - entry->second.when >= kLifetime || now < entry->second.when) {
            return std::nullopt;
        }
        const auto& key = entry->second.key;
        if (key && !key_is_usable_for(key->key.get(), address, now)) {
            return std::nullopt;
        }
        return key;
    }

    void remember(const std::string& address, std::uint64_t generation, std::time_t now,
                  const std::optional<RecipientKey>& key) {
        const std::lock_guard lock(mutex_);
        if (entries_.size() >= kMaxEntries) {
            entries_.clear();
        }
        entries_[address] = Entry{generation, now, key};
    }

  private:
    struct Entry {
        std::uint64_t generation = 0;
        std::time_t when = 0;
        std::optional<RecipientKey> key;
    };
    mutable std::mutex mutex_;
    std::map<std::string, Entry> entries_;
};

// One fingerprint the last key count saw, so a lookup that lists nothing at
// all can ask GnuPG for a key that is surely there: GPGME reports a gpg that
// died without a word as an empty listing, and "no key" would send plaintext.
class KnownKey {
  public:
    void remember(const char* fingerprint) {
        const std::lock_guard lock(mutex_);
        fingerprint_ = fingerprint != nullptr ? fingerprint : "";
    }
    std::string fingerprint() const {
        const std::lock_guard lock(mutex_);
        return fingerprint_;
    }

  private:
    mutable std::mutex mutex_;
    std::string fingerprint_;
};

bool key_is_usable_for(gpgme_key_t key, std::string_view recipient, std::time_t now) {
    return has_matching_user_id(key, recipient) && key_can_encrypt_now(key, now);
}

bool key_can_encrypt_now(gpgme_key_t key, std::time_t now) {
    if (key->revoked || key->expired || key->disabled || key->invalid || key->subkeys == nullptr) {
        return false;
    }
    for (gpgme_subkey_t subkey = key->subkeys; subkey != nullptr; subkey = subkey->next) {
        if (subkey_can_encrypt_now(subkey, now)) {
            return true;
        }
    }
    return false;
}

Keyring::Keyring(std::string gnupg_home)
    : home_(std::move(gnupg_home)), health_(std::make_shared<KeyringHealth>(home_)),
      cache_(std::make_shared<LookupCache>()), known_key_(std::make_shared<KnownKey>()) {
    struct stat info {};
    if (home_.empty() || ::stat(home_.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
        throw KeyringError("keyring " + home_ + " is not a directory");
    }
    if (::access(home_.c_str(), R_OK | X_OK) != 0) {
        throw KeyringError("keyring " + home_ + " is not readable");
    }
}

std::uint64_t Keyring::check_health() const {
    return health_->check([this] { return count_keys(); });
}

std::size_t Keyring::count_keys() const {
    std::size_t count = 0;
    for_each_key(nullptr, [&](const Key& key) {
        if (count++ == 0) {
            known_key_->remember(key.get()->fpr);
        }
    });
    return count;
}

void Keyring::confirm_engine_answers() const {
    const std::string fingerprint = known_key_->fingerprint();
    PooledContext ctx = make_context(home_);
    gpgme_key_t raw = nullptr;
    const gpgme_error_t err = fingerprint.empty()
                                  ? gpg_error(GPG_ERR_NO_PUBKEY)
                                  : gpgme_get_key(ctx.get(), fingerprint.c_str(), &raw, 0);
    if (err != GPG_ERR_NO_ERROR) {
        throw KeyringError(ctx.explain(describe_error("GnuPG engine " + engine_program() +
                                                          " finds no key at all in " + home_ +
                                                          ", not even one counted there before",
                                                      err)));
    }
    Key::adopt(raw);
}

void Keyring::for_each_key(const char* pattern,
                           const std::function<void(const Key&)>& visit) const {
    for_each_listed_key(home_, pattern, visit);
}

std::optional<RecipientKey> Keyring::find_usable_key(std::string_view recipient) const {
    const std::string address = bare_address(recipient);
    if (address.empty() || address.find('@') == std::string::npos) {
        return std::nullopt;
    }
    const std::uint64_t generation = check_health();
    const std::time_t now = std::time(nullptr);
    if (auto remembered = cache_->find(address, generation, now)) {
        return *remembered;
    }
    auto key = look_up(address);
    cache_->remember(address, generation, now, key);
    return key;
}

std::optional<RecipientKey> Keyring::look_up(const std::string& address) const {
    // "<addr>" asks GnuPG for an exact addr-spec match; we check again ourselves.
    const std::string pattern = "<" + address + ">";
    const std::time_t now = std::time(nullptr);
    std::optional<RecipientKey> best;
    bool listed_any = false;
    for_each_key(pattern.c_str(), [&](const Key& key) {
        listed_any = true;
        if (!key_is_usable_for(key.get(), address, now)) {
            return;
        }
        RecipientKey candidate{address, key.get()->fpr != nullptr ? key.get()->fpr : "",
                               key.get()->subkeys->timestamp, key};
        if (!best || preferred(candidate, *best)) {
            best = std::move(candidate);
        }
    });
    if (!listed_any) {
        confirm_engine_answers();
    }
    return best;
}

std::optional<RecipientKey>
Keyring::find_usable_key_by_fingerprint(std::string_view recipient,
                                        const std::string& fingerprint) const {
    check_health();
    PooledContext ctx = make_context(home_);
    gpgme_key_t raw = nullptr;
    const gpgme_error_t err = gpgme_get_key(ctx.get(), fingerprint.c_str(), &raw, 0);
    if (gpgme_err_code(err) == GPG_ERR_EOF) {
        confirm_engine_answers();
        return std::nullopt;
    }
    if (gpgme_err_code(err) == GPG_ERR_AMBIGUOUS_NAME) {
        return std::nullopt;
    }
    if (err != GPG_ERR_NO_ERROR) {
        throw KeyringError(ctx.explain(describe_error("cannot look up key " + fingerprint, err)));
    }
    Key key = Key::adopt(raw);
    if (!key_can_encrypt_now(key.get(), std::time(nullptr))) {
        return std::nullopt;
    }
    return RecipientKey{bare_address(recipient), key.get()->fpr != nullptr ? key.get()->fpr : "",
                        key.get()->subkeys->timestamp, key};
}

namespace {

std::string why_unusable(gpgme_key_t key, std::time_t now) {
    if (key->revoked) {
        return "revoked";
    }
    if (key->expired) {
        return "expired";
    }
    if (key->disabled) {
        return "disabled";
    }
    if (key->invalid) {
        return "invalid";
    }
    if (!key_can_encrypt_now(key, now)) {
        return "no subkey that can encrypt now";
    }
    return {};
}

// When encryption to this key stops: the latest expiry among the subkeys
// that can encrypt now, capped by the primary key's own expiry.
std::time_t encryption_expiry(gpgme_key_t key, std::time_t now) {
    std::time_t latest = -1;
    for (gpgme_subkey_t subkey = key->subkeys; subkey != nullptr; subkey = subkey->next) {
        if (subkey_can_encrypt_now(subkey, now)) {
            if (subkey->expires == 0) {
                latest = 0;
                break;
            }
            latest = std::max<std::time_t>(latest, subkey->expires);
        }
    }
    const std::time_t primary = key->subkeys != nullptr ? key->subkeys->expires : 0;
    if (latest <= 0) {
        return latest < 0 ? 0 : primary;
    }
    return primary > 0 ? std::min<std::time_t>(latest, primary) : latest;
}

} // namespace

std::vector<KeySummary> Keyring::list_keys() const {
    const std::time_t now = std::time(nullptr);
    std::vector<KeySummary> keys;
    for_each_key(nullptr, [&](const Key& key) {
        KeySummary summary;
        summary.fingerprint = key.get()->fpr != nullptr ? key.get()->fpr : "";
        for (gpgme_user_id_t uid = key.get()->uids; uid != nullptr; uid = uid->next) {
            if (!uid->revoked && !uid->invalid && uid->address != nullptr && *uid->address) {
                summary.addresses.emplace_back(uid->address);
            }
        }
        summary.why_not = why_unusable(key.get(), now);
        summary.usable = summary.why_not.empty();
        summary.expires = summary.usable ? encryption_expiry(key.get(), now) : 0;
        keys.push_back(std::move(summary));
    });
    return keys;
}

} // namespace mailveil::pgp
