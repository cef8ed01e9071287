// keyring.h - the view mailveil has of a GnuPG home: which key encrypts to whom.
//
// A key is usable for a recipient when
//  - one of its user IDs (not revoked, not invalid) has an addr-spec equal to
//    the recipient, ignoring ASCII case (no substring matches),
//  - the key is not revoked, expired, disabled or invalid, and
//  - it has a subkey that can encrypt now (not revoked, expired, disabled or
//    invalid, and not dated in the future).
// Several usable keys: the one created last wins; equal creation times are
// broken by the lowest fingerprint, so the choice is deterministic.
// Trust: the keyring is trusted as a whole; the admin put the keys there.
//
// Lookups by address are remembered while the keyring file stays the same
// (keyring_health.h's generation) and for at most a minute, so a message
// costs no GnuPG process for its recipients' keys; a remembered key is checked
// against the rules above again on every use (it may have expired since).
//
// Thread safety: a Keyring may be shared; every lookup uses its own context.
// Failure: throws KeyringError when the home is missing or GnuPG fails, and
// before any lookup when the public keyring is gone, corrupt or empty (see
// keyring_health.h): "no key" must never be a broken keyring's answer. Nor a
// broken engine's: a lookup that lists nothing at all is trusted only once
// GnuPG still finds a key counted in the keyring before (one more gpg run
// for an address without a key, remembered like any lookup).
#pragma once

#include "pgp/gpgme_handles.h"
#include "pgp/keyring_health.h"

#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailveil::pgp {

struct RecipientKey {
    std::string recipient;   // the address it was looked up for
    std::string fingerprint; // of the primary key
    std::time_t created = 0;
    Key key;
};

// One key as an admin sees it in a listing.
struct KeySummary {
    std::string fingerprint;
    std::vector<std::string> addresses; // of valid, unrevoked user IDs
    bool usable = false;                // can encrypt now
    std::string why_not;                // when not usable: revoked, expired, ...
    std::time_t expires = 0;            // when encryption stops working; 0: never
};

class LookupCache;
class KnownKey;

class Keyring {
  public:
    // Checks that gnupg_home is a readable directory; does not list keys yet.
    explicit Keyring(std::string gnupg_home);

    const std::string& home() const { return home_; }

    // The usable key for this envelope recipient, if any.
    std::optional<RecipientKey> find_usable_key(std::string_view recipient) const;

    // The key with this fingerprint, if it can encrypt now; no user ID check
    // (for the admin's explicit key map).
    std::optional<RecipientKey>
    find_usable_key_by_fingerprint(std::string_view recipient,
                                   const std::string& fingerprint) const;

    // Every public key in the keyring.
    std::vector<KeySummary> list_keys() const;

  private:
    std::uint64_t check_health() const;
    std::optional<RecipientKey> look_up(const std::string& address) const;
    std::size_t count_keys() const;
    // Throws KeyringError unless GnuPG still finds a key count_keys() saw.
    void confirm_engine_answers() const;
    // Lists keys matching pattern (nullptr: all); throws KeyringError on failure.
    void for_each_key(const char* pattern, const std::function<void(const Key&)>& visit) const;

    std::string home_;
    std::shared_ptr<KeyringHealth> health_;
    std::shared_ptr<LookupCache> cache_;
    std::shared_ptr<KnownKey> known_key_;
};

// Exposed for tests: the rules above applied to one listed key.
bool key_is_usable_for(gpgme_key_t key, std::string_view recipient, std::time_t now);
// The same without the user ID condition.
bool key_can_encrypt_now(gpgme_key_t key, std::time_t now);

} // namespace mailveil::pgp
