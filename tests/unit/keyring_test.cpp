// Key lookup (pgp/keyring.h) against the keyring from make-test-keyring:
// which key, if any, each envelope address gets, and why the others are refused.
#include "core/errors.h"
#include "helpers/gpg_tools.h"
#include "helpers/test_env.h"
#include "pgp/keyring.h"

#include <catch2/catch.hpp>

#include <ctime>
#include <future>
#include <string>
#include <vector>

using mailveil::KeyringError;
using mailveil::pgp::Keyring;
using namespace mailveil::test;

namespace {

// The fingerprint found for an address, or "" when there is no usable key.
std::string found_fingerprint(std::string_view recipient) {
    const Keyring keyring(keyring_dir());
    const auto key = keyring.find_usable_key(recipient);
    return key ? key->fingerprint : std::string();
}

} // namespace

TEST_CASE("keyring: a usable key is found with all its details", "[keyring]") {
    const Keyring keyring(keyring_dir());
    CHECK(keyring.home() == keyring_dir());
    const auto key = keyring.find_usable_key("<bob@example.org>");
    REQUIRE(key.has_value());
    CHECK(key->fingerprint == fingerprint_of("bob"));
    CHECK(key->recipient == "bob@example.org");
    REQUIRE(key->key);
    CHECK(std::string(key->key.get()->fpr) == fingerprint_of("bob"));
    CHECK(key->created == key->key.get()->subkeys->timestamp);
    CHECK(key->created > 0);
}

TEST_CASE("keyring: envelope forms of the address find the same key", "[keyring]") {
    const std::string address =
        GENERATE(as<std::string>{}, "bob@example.org", "<bob@example.org>", "  <bob@example.org> ");
    CAPTURE(address);
    CHECK(found_fingerprint(address) == fingerprint_of("bob"));
}

TEST_CASE("keyring: local part and domain are compared without ASCII case", "[keyring]") {
    CHECK(found_fingerprint("<BOB@EXAMPLE.ORG>") == fingerprint_of("bob"));
    CHECK(found_fingerprint("Bob@Example.Org") == fingerprint_of("bob"));
    // The uid is 'Erin <Erin@Example.ORG>'.
    CHECK(found_fingerprint("erin@example.org") == fingerprint_of("erin"));
    CHECK(found_fingerprint("<ERIN@EXAMPLE.ORG>") == fingerprint_of("erin"));
}

TEST_CASE("keyring: a uid that is a bare address matches", "[keyring]") {
    CHECK(found_fingerprint("carol@example.org") == fingerprint_of("carol"));
    CHECK(found_fingerprint("<Carol@example.org>") == fingerprint_of("carol"));
}

TEST_CASE("keyring: addresses that merely contain or extend another do not match", "[keyring]") {
    // Both traps exist: jimbob@example.org and bob@example.org.evil have keys.
    CHECK(found_fingerprint("jimbob@example.org") == fingerprint_of("jimbob"));
    CHECK(found_fingerprint("bob@example.org.evil") == fingerprint_of("bob-evil"));

    CHECK(found_fingerprint("bob@example.org") == fingerprint_of("bob"));
    CHECK(found_fingerprint("ob@example.org") == "");
    CHECK(found_fingerprint("bob@example.or") == "");
    CHECK(found_fingerprint("bob@example") == "");
    CHECK(found_fingerprint("example.org") == "");
    CHECK(found_fingerprint("@example.org") == "");
    CHECK(found_fingerprint("bob") == "");
    CHECK(found_fingerprint("Bob") == "");
}

TEST_CASE("keyring: empty and unknown addresses find nothing", "[keyring]") {
    CHECK(found_fingerprint("nobody@example.org") == "");
    CHECK(found_fingerprint("bob@example.net") == "");
    CHECK(found_fingerprint("") == "");
    CHECK(found_fingerprint("<>") == "");
}

TEST_CASE("keyring: an expired key is not used", "[keyring]") {
    CHECK(found_fingerprint("expired@example.org") == "");
    CHECK(found_fingerprint("expiring@example.org") == fingerprint_of("expiring"));
}

TEST_CASE("keyring: a revoked key is not used", "[keyring]") {
    CHECK(found_fingerprint("revoked@example.org") == "");
}

TEST_CASE("keyring: a key without an encryption subkey is not used", "[keyring]") {
    CHECK(found_fingerprint("signonly@example.org") == "");
}

TEST_CASE("keyring: a disabled key is not used", "[keyring]") {
    CHECK(found_fingerprint("disabled@example.org") == "");
}

TEST_CASE("keyring: a key whose only encryption subkey expired is not used", "[keyring]") {
    CHECK(found_fingerprint("subexpired@example.org") == "");
}

TEST_CASE("keyring: a key dated in the future is not used yet", "[keyring]") {
    CHECK(found_fingerprint("future@example.org") == "");
}

TEST_CASE("keyring: a revoked uid does not match but the key's valid uid does", "[keyring]") {
    CHECK(found_fingerprint("revokeduid@example.org") == "");
    CHECK(found_fingerprint("stillvalid@example.org") == fingerprint_of("revokeduid"));
}

TEST_CASE("keyring: of several usable keys the newest wins", "[keyring]") {
    // The keyring lists dave's keys old, new, middle.
    const Keyring keyring(keyring_dir());
    const auto key = keyring.find_usable_key("dave@example.org");
    REQUIRE(key.has_value());
    CHECK(key->fingerprint == fingerprint_of("dave-new"));
    const auto middle = list_key(keyring_dir(), fingerprint_of("dave-mid"));
    CHECK(key->created > middle.get()->subkeys->timestamp);
}

TEST_CASE("keyring: lookups from several threads agree", "[keyring]") {
    const Keyring keyring(keyring_dir());
    std::vector<std::future<std::string>> lookups;
    for (const char* address : {"bob@example.org", "carol@example.org", "dave@example.org",
                                "erin@example.org", "bob@example.org", "nobody@example.org"}) {
        lookups.push_back(std::async(std::launch::async, [&keyring, address] {
            const auto key = keyring.find_usable_key(address);
            return key ? key->fingerprint : std::string();
        }));
    }
    CHECK(lookups[0].get() == fingerprint_of("bob"));
    CHECK(lookups[1].get() == fingerprint_of("carol"));
    CHECK(lookups[2].get() == fingerprint_of("dave-new"));
    CHECK(lookups[3].get() == fingerprint_of("erin"));
    CHECK(lookups[4].get() == fingerprint_of("bob"));
    CHECK(lookups[5].get() == "");
}

TEST_CASE("keyring: a missing or unusable home throws KeyringError", "[keyring]") {
    CHECK_THROWS_AS(Keyring(keyring_dir() + "/does-not-exist"), KeyringError);
    CHECK_THROWS_AS(Keyring(""), KeyringError);
    // A regular file is not a GnuPG home.
    CHECK_THROWS_AS(Keyring(keyring_dir() + "/fingerprints.txt"), KeyringError);
}

TEST_CASE("key_is_usable_for applies the rules to one listed key", "[keyring]") {
    using mailveil::pgp::key_is_usable_for;
    const std::time_t now = std::time(nullptr);
    const auto bob = list_key(keyring_dir(), fingerprint_of("bob"));

    CHECK(key_is_usable_for(bob.get(), "bob@example.org", now));
    CHECK(key_is_usable_for(bob.get(), "<BOB@example.org>", now));
    CHECK_FALSE(key_is_usable_for(bob.get(), "jimbob@example.org", now));
    CHECK_FALSE(key_is_usable_for(bob.get(), "ob@example.org", now));
    // Before the key was made its subkey cannot encrypt yet.
    CHECK_FALSE(key_is_usable_for(bob.get(), "bob@example.org", bob.get()->subkeys->timestamp - 1));

    // Usable until its encryption subkey expires, whatever GnuPG flagged at listing time.
    const auto expiring = list_key(keyring_dir(), fingerprint_of("expiring"));
    CHECK(key_is_usable_for(expiring.get(), "expiring@example.org", now));
    std::time_t expires = 0;
    for (gpgme_subkey_t subkey = expiring.get()->subkeys; subkey != nullptr;
         subkey = subkey->next) {
        if (subkey->can_encrypt) {
            expires = subkey->expires;
        }
    }
    REQUIRE(expires > now);
    CHECK(key_is_usable_for(expiring.get(), "expiring@example.org", expires - 1));
    CHECK_FALSE(key_is_usable_for(expiring.get(), "expiring@example.org", expires));

    for (const char* label :
         {"expired", "revoked", "signonly", "disabled", "subexpired", "future"}) {
        CAPTURE(label);
        const auto key = list_key(keyring_dir(), fingerprint_of(label));
        REQUIRE(key.get()->uids != nullptr);
        CHECK_FALSE(key_is_usable_for(key.get(), key.get()->uids->address, now));
    }
}
