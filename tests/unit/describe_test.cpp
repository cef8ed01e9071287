// The log form of a decision (core::describe): "decision=... rcpts=N" with the
// keys for encryption and the reason and keyless count for a pass - never an
// address or any content.
#include "core/engine.h"
#include "helpers/engine_run.h"
#include "helpers/test_env.h"

#include <catch2/catch.hpp>

#include <string>

using namespace mailveil::core;
using namespace mailveil::test;

TEST_CASE("describe: an encryption lists its keys in order", "[describe]") {
    Decision decision;
    decision.verdict = Verdict::Encrypted;
    decision.recipient_count = 2;
    decision.fingerprints = {"AAAA", "BBBB"};
    CHECK(describe(decision) == "decision=encrypted rcpts=2 keys=AAAA,BBBB");
}

TEST_CASE("describe: a pass gives the reason and the keyless count", "[describe]") {
    Decision decision;
    decision.verdict = Verdict::Passed;
    decision.reason = "no-key";
    decision.recipient_count = 3;
    decision.keyless = 2;
    CHECK(describe(decision) == "decision=passed reason=no-key rcpts=3 keyless=2");

    Decision already;
    already.reason = "already-encrypted";
    already.recipient_count = 1;
    CHECK(describe(already) == "decision=passed reason=already-encrypted rcpts=1");
}

TEST_CASE("describe: a deferral gives its reason", "[describe]") {
    Decision decision;
    decision.verdict = Verdict::Deferred;
    decision.reason = "mixed-recipients";
    decision.recipient_count = 2;
    decision.keyless = 1;
    CHECK(describe(decision) == "decision=deferred reason=mixed-recipients rcpts=2 keyless=1");
}

TEST_CASE("describe: real outcomes", "[describe]") {
    const auto engine = test_engine();
    const std::string message = read_data_file("engine/plain-utf8.eml");

    const auto encrypted = engine.process(message, {"bob@example.org"});
    CHECK(describe(encrypted.decision) ==
          "decision=encrypted rcpts=1 keys=" + fingerprint_of("bob"));

    const auto passed = engine.process(message, {"bob@example.org", "secret-name@example.org"});
    const std::string line = describe(passed.decision);
    CHECK(line == "decision=passed reason=no-key rcpts=2 keyless=1");
    CHECK(line.find("secret-name") == std::string::npos);
}
