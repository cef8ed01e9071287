// One recipient -> action and key (core/recipient_resolver.h): rules first,
// then the key map, then the keyring, each also without a +extension when a
// delimiter is configured.
#include "core/recipient_resolver.h"
#include "helpers/test_env.h"

#include <catch2/catch.hpp>

#include <string>

using namespace mailveil::core;
using mailveil::pgp::Keyring;
using namespace mailveil::test;

namespace {

std::string key_of(const Resolution& resolution) {
    return resolution.key ? resolution.key->fingerprint : std::string();
}

} // namespace

TEST_CASE("resolver: strip_extension cuts at the first delimiter of the local part", "[resolver]") {
    CHECK(strip_extension("bob+lists@example.org", "+") == "bob@example.org");
    CHECK(strip_extension("bob+a+b@example.org", "+") == "bob@example.org");
    CHECK(strip_extension("bob-lists@example.org", "+-") == "bob@example.org");
    CHECK(strip_extension("bob@example.org", "+") == "bob@example.org");
    CHECK(strip_extension("bob+lists@example.org", "") == "bob+lists@example.org");
    CHECK(strip_extension("+lists@example.org", "+") == "+lists@example.org");
    CHECK(strip_extension("bob@ex+ample.org", "+") == "bob@ex+ample.org");
    CHECK(strip_extension("bob+lists", "+") == "bob+lists");
}

TEST_CASE("resolver: without rules or map the keyring decides", "[resolver]") {
    const Keyring keyring(keyring_dir());
    const RecipientPolicy policy;
    const auto bob = resolve_recipient(keyring, policy, "<Bob@example.org>");
    CHECK(bob.recipient == "Bob@example.org");
    CHECK(bob.action == RecipientAction::Opportunistic);
    CHECK(key_of(bob) == fingerprint_of("bob"));
    CHECK(bob.encryptable());

    const auto nobody = resolve_recipient(keyring, policy, "nobody@example.org");
    CHECK_FALSE(nobody.key.has_value());
    CHECK_FALSE(nobody.encryptable());
}

TEST_CASE("resolver: a never rule means no key at all", "[resolver]") {
    const Keyring keyring(keyring_dir());
    RecipientPolicy policy;
    policy.rules = RecipientRules::parse("bob@example.org never\n", "rules");
    const auto bob = resolve_recipient(keyring, policy, "bob@example.org");
    CHECK(bob.action == RecipientAction::Never);
    CHECK_FALSE(bob.key.has_value());
    CHECK_FALSE(bob.encryptable());
}

TEST_CASE("resolver: a require rule still needs a key", "[resolver]") {
    const Keyring keyring(keyring_dir());
    RecipientPolicy policy;
    policy.rules = RecipientRules::parse("@example.org require\n", "rules");
    const auto bob = resolve_recipient(keyring, policy, "bob@example.org");
    CHECK(bob.action == RecipientAction::Require);
    CHECK(key_of(bob) == fingerprint_of("bob"));
    const auto nobody = resolve_recipient(keyring, policy, "nobody@example.org");
    CHECK(nobody.action == RecipientAction::Require);
    CHECK_FALSE(nobody.encryptable());
}

TEST_CASE("resolver: the key map gives a key no user ID names", "[resolver]") {
    const Keyring keyring(keyring_dir());
    RecipientPolicy policy;
    policy.key_map =
        KeyMap::parse("postmaster@example.org " + fingerprint_of("bob") + "\n", "keymap");
    const auto postmaster = resolve_recipient(keyring, policy, "<Postmaster@example.org>");
    CHECK(key_of(postmaster) == fingerprint_of("bob"));
    CHECK(postmaster.encryptable());
}

TEST_CASE("resolver: a mapped key must still be able to encrypt", "[resolver]") {
    const std::string label = GENERATE(as<std::string>{}, "expired", "revoked", "signonly",
                                       "disabled", "subexpired", "future");
    CAPTURE(label);
    const Keyring keyring(keyring_dir());
    RecipientPolicy policy;
    policy.key_map =
        KeyMap::parse("postmaster@example.org " + fingerprint_of(label) + "\n", "keymap");
    CHECK_FALSE(resolve_recipient(keyring, policy, "postmaster@example.org").key.has_value());
}

TEST_CASE("resolver: a mapped fingerprint missing from the keyring gives no key", "[resolver]") {
    const Keyring keyring(keyring_dir());
    RecipientPolicy policy;
    policy.key_map = KeyMap::parse(
        "postmaster@example.org 0000000000000000000000000000000000000000\n", "keymap");
    CHECK_FALSE(resolve_recipient(keyring, policy, "postmaster@example.org").key.has_value());
}

TEST_CASE("resolver: a +extension is dropped only with a delimiter", "[resolver]") {
    const Keyring keyring(keyring_dir());
    RecipientPolicy policy;
    CHECK_FALSE(resolve_recipient(keyring, policy, "bob+lists@example.org").key.has_value());

    policy.recipient_delimiter = "+";
    const auto bob = resolve_recipient(keyring, policy, "bob+lists@example.org");
    CHECK(key_of(bob) == fingerprint_of("bob"));
    CHECK(bob.recipient == "bob+lists@example.org");
}

TEST_CASE("resolver: the key map is asked without the extension too", "[resolver]") {
    const Keyring keyring(keyring_dir());
    RecipientPolicy policy;
    policy.recipient_delimiter = "+";
    policy.key_map = KeyMap::parse("role@example.org " + fingerprint_of("carol") + "\n", "keymap");
    CHECK(key_of(resolve_recipient(keyring, policy, "role+tag@example.org")) ==
          fingerprint_of("carol"));
}
