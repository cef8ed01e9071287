// The Engine's all-or-nothing decision: several recipients share one
// ciphertext, one keyless recipient or an already encrypted message means the
// message passes unchanged, with the reason recorded.
#include "core/engine.h"
#include "core/errors.h"
#include "helpers/engine_run.h"
#include "helpers/gpg_tools.h"
#include "helpers/test_env.h"
#include "mime/parsed_message.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace mailveil::core;
using namespace mailveil::test;

namespace {

std::vector<std::string> sorted(std::vector<std::string> items) {
    std::sort(items.begin(), items.end());
    return items;
}

} // namespace

TEST_CASE("decision: two keyed recipients share one ciphertext", "[engine][decision]") {
    const auto run = encrypt_with_engine(read_data_file("engine/plain-utf8.eml"),
                                         {"<bob@example.org>", "<carol@example.org>"});
    CHECK(run.outcome.decision.recipient_count == 2);
    CHECK(sorted(run.outcome.decision.fingerprints) ==
          sorted({fingerprint_of("bob"), fingerprint_of("carol")}));

    std::vector<std::string> expected_ids =
        encryption_subkey_ids(keyring_dir(), fingerprint_of("bob"));
    for (auto& id : encryption_subkey_ids(keyring_dir(), fingerprint_of("carol"))) {
        expected_ids.push_back(id);
    }
    REQUIRE(expected_ids.size() == 2);
    CHECK(sorted(run.decrypted.recipient_key_ids) == sorted(expected_ids));
}

TEST_CASE("decision: one recipient named twice gets one key", "[engine][decision]") {
    const auto run = encrypt_with_engine(read_data_file("engine/plain-utf8.eml"),
                                         {"<bob@example.org>", "BOB@example.org"});
    CHECK(run.outcome.decision.recipient_count == 2);
    CHECK(run.outcome.decision.fingerprints == std::vector<std::string>{fingerprint_of("bob")});
    CHECK(run.decrypted.recipient_key_ids ==
          encryption_subkey_ids(keyring_dir(), fingerprint_of("bob")));
}

TEST_CASE("decision: the newest of several keys is used", "[engine][decision]") {
    const auto run =
        encrypt_with_engine(read_data_file("engine/plain-utf8.eml"), {"dave@example.org"});
    CHECK(run.outcome.decision.fingerprints ==
          std::vector<std::string>{fingerprint_of("dave-new")});
    CHECK(run.decrypted.recipient_key_ids ==
          encryption_subkey_ids(keyring_dir(), fingerprint_of("dave-new")));
}

TEST_CASE("decision: one recipient without a key passes the message unchanged",
          "[engine][decision]") {
    const std::string unkeyed =
        GENERATE(as<std::string>{}, "<nobody@example.org>", "<expired@example.org>",
                 "<jimbo@example.org>", "<revokeduid@example.org>");
    CAPTURE(unkeyed);
    const auto outcome = test_engine().process(read_data_file("engine/plain-utf8.eml"),
                                               {"<bob@example.org>", unkeyed});
    CHECK(outcome.decision.verdict == Verdict::Passed);
    CHECK(outcome.decision.reason == "no-key");
    CHECK(outcome.decision.recipient_count == 2);
    CHECK(outcome.decision.fingerprints.empty());
    CHECK(outcome.decision.keyless == 1);
    CHECK_FALSE(outcome.rewrite.has_value());
}

TEST_CASE("decision: an already encrypted message passes unchanged", "[engine][decision]") {
    const std::string file =
        GENERATE(as<std::string>{}, "classify/pgp-mime.eml", "classify/smime.eml",
                 "classify/smime-x.eml", "classify/inline-pgp.eml", "classify/inline-pgp-qp.eml");
    CAPTURE(file);
    const auto outcome = test_engine().process(read_data_file(file), {"<bob@example.org>"});
    CHECK(outcome.decision.verdict == Verdict::Passed);
    CHECK(outcome.decision.reason == "already-encrypted");
    CHECK(outcome.decision.recipient_count == 1);
    CHECK(outcome.decision.fingerprints.empty());
    CHECK_FALSE(outcome.rewrite.has_value());
}

TEST_CASE("decision: inline PGP inside a multipart is still wrapped", "[engine][decision]") {
    const auto outcome = test_engine().process(read_data_file("classify/mixed-with-inline-pgp.eml"),
                                               {"<bob@example.org>"});
    CHECK(outcome.decision.verdict == Verdict::Encrypted);
    CHECK(outcome.rewrite.has_value());
}

TEST_CASE("decision: no recipients means nothing to do", "[engine][decision]") {
    const auto outcome = test_engine().process(read_data_file("engine/plain-utf8.eml"), {});
    CHECK(outcome.decision.verdict == Verdict::Passed);
    CHECK(outcome.decision.reason == "no-recipients");
    CHECK(outcome.decision.recipient_count == 0);
    CHECK_FALSE(outcome.rewrite.has_value());
}

TEST_CASE("decision: the parsed and the raw entry points agree", "[engine][decision]") {
    const auto engine = test_engine();
    const std::string bytes = read_data_file("engine/plain-utf8.eml");
    const auto parsed = mailveil::mime::ParsedMessage::parse(bytes);
    const auto from_parsed = engine.process(parsed, {"carol@example.org"});
    const auto from_bytes = engine.process(bytes, {"carol@example.org"});
    CHECK(from_parsed.decision.verdict == Verdict::Encrypted);
    CHECK(from_bytes.decision.verdict == Verdict::Encrypted);
    CHECK(from_parsed.decision.fingerprints == from_bytes.decision.fingerprints);
}

TEST_CASE("decision: bytes that are no message throw MessageError", "[engine][decision]") {
    CHECK_THROWS_AS(test_engine().process(std::string(), {"bob@example.org"}),
                    mailveil::MessageError);
}

TEST_CASE("decision: an engine on a missing keyring throws KeyringError", "[engine][decision]") {
    CHECK_THROWS_AS(Engine(EngineSettings{keyring_dir() + "/missing"}), mailveil::KeyringError);
}
