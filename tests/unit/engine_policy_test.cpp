// The Engine under a recipient policy: require rules and the mixed fallback
// defer instead of sending plaintext, never rules pass with reason "rule",
// and hidden recipients leave no key IDs in the ciphertext.
#include "core/engine.h"
#include "helpers/gpg_tools.h"
#include "helpers/pgp_mime_reader.h"
#include "helpers/raw_message.h"
#include "helpers/test_env.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace mailveil::core;
using namespace mailveil::test;

namespace {

Engine engine_with(const std::string& rules, MixedFallback fallback = MixedFallback::Plaintext) {
    EngineSettings settings(keyring_dir());
    settings.policy.rules = RecipientRules::parse(rules, "rules");
    settings.mixed_fallback = fallback;
    return Engine(std::move(settings));
}

Outcome run(const Engine& engine, const std::vector<std::string>& recipients) {
    return engine.process(read_data_file("engine/plain-utf8.eml"), recipients);
}

} // namespace

TEST_CASE("policy: a require recipient without a key defers the message", "[engine][policy]") {
    const auto engine = engine_with("nobody@example.org require\n");
    const auto outcome = run(engine, {"bob@example.org", "nobody@example.org"});
    CHECK(outcome.decision.verdict == Verdict::Deferred);
    CHECK(outcome.decision.reason == "require-without-key");
    CHECK(outcome.decision.recipient_count == 2);
    CHECK(outcome.decision.keyless == 1);
    CHECK_FALSE(outcome.rewrite.has_value());
}

TEST_CASE("policy: a keyed require recipient among keyless ones defers", "[engine][policy]") {
    const auto engine = engine_with("bob@example.org require\n");
    const auto outcome = run(engine, {"bob@example.org", "nobody@example.org"});
    CHECK(outcome.decision.verdict == Verdict::Deferred);
    CHECK_FALSE(outcome.rewrite.has_value());
}

TEST_CASE("policy: require recipients that all have keys are encrypted to", "[engine][policy]") {
    const auto engine = engine_with("@example.org require\n");
    const auto outcome = run(engine, {"bob@example.org", "carol@example.org"});
    CHECK(outcome.decision.verdict == Verdict::Encrypted);
    CHECK(outcome.rewrite.has_value());
}

TEST_CASE("policy: mixed recipients follow the mixed fallback", "[engine][policy]") {
    const auto plaintext =
        run(engine_with("", MixedFallback::Plaintext), {"bob@example.org", "nobody@example.org"});
    CHECK(plaintext.decision.verdict == Verdict::Passed);
    CHECK(plaintext.decision.reason == "no-key");

    const auto tempfail =
        run(engine_with("", MixedFallback::Tempfail), {"bob@example.org", "nobody@example.org"});
    CHECK(tempfail.decision.verdict == Verdict::Deferred);
    CHECK(tempfail.decision.reason == "mixed-recipients");
    CHECK(tempfail.decision.keyless == 1);
    CHECK_FALSE(tempfail.rewrite.has_value());
}

TEST_CASE("policy: nobody keyed is no mixed case even with the tempfail fallback",
          "[engine][policy]") {
    const auto outcome = run(engine_with("", MixedFallback::Tempfail), {"nobody@example.org"});
    CHECK(outcome.decision.verdict == Verdict::Passed);
    CHECK(outcome.decision.reason == "no-key");
}

TEST_CASE("policy: a never rule passes the message with reason rule", "[engine][policy]") {
    const auto engine = engine_with("bob@example.org never\n");
    const auto outcome = run(engine, {"bob@example.org"});
    CHECK(outcome.decision.verdict == Verdict::Passed);
    CHECK(outcome.decision.reason == "rule");
    CHECK(outcome.decision.keyless == 1);
    CHECK_FALSE(outcome.rewrite.has_value());
}

TEST_CASE("policy: hidden recipients still decrypt but name no key", "[engine][policy]") {
    EngineSettings settings(keyring_dir());
    settings.hide_recipients = true;
    settings.protect_headers = false; // compare with the plain RFC 3156 entity
    const Engine engine(std::move(settings));
    const std::string input = read_data_file("engine/plain-utf8.eml");
    const auto parsed = mailveil::mime::ParsedMessage::parse(input);
    const auto outcome = engine.process(parsed, {"bob@example.org", "carol@example.org"});
    REQUIRE(outcome.rewrite.has_value());

    const auto seen = read_as_client(apply_rewrite(parsed, *outcome.rewrite));
    REQUIRE(seen.parts.size() == 2);
    const auto decrypted = decrypt(keyring_dir(), seen.parts[1].content);
    CHECK(decrypted.plaintext == expected_entity(input));
    REQUIRE(decrypted.recipient_key_ids.size() == 2);
    for (const auto& label : {"bob", "carol"}) {
        for (const auto& id : encryption_subkey_ids(keyring_dir(), fingerprint_of(label))) {
            CHECK(decrypted.recipient_key_ids[0] != id);
            CHECK(decrypted.recipient_key_ids[1] != id);
        }
    }
}

TEST_CASE("policy: the engine resolves one recipient as the milter asks", "[engine][policy]") {
    const auto engine = engine_with("carol@example.org never\n");
    const auto bob = engine.resolve("<bob@example.org>");
    CHECK(bob.encryptable());
    REQUIRE(bob.key.has_value());
    CHECK(bob.key->fingerprint == fingerprint_of("bob"));
    CHECK(engine.resolve("carol@example.org").action == RecipientAction::Never);
}
