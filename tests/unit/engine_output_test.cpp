// The message the Engine produces for a keyed recipient: the rewrite it asks
// for, the RFC 3156 structure a client sees, and the outer header section
// (every non-Content field kept byte for byte, line ends as received).
#include "core/engine.h"
#include "core/errors.h"
#include "helpers/engine_run.h"
#include "helpers/raw_message.h"
#include "helpers/test_env.h"

#include <catch2/catch.hpp>

#include <cctype>
#include <string>

using namespace mailveil::core;
using namespace mailveil::test;

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

std::string sample(const std::string& file, bool crlf) {
    const std::string bytes = read_data_file(file);
    return crlf ? crlf_from_lf(bytes) : bytes;
}

} // namespace

TEST_CASE("engine: a plain message to a keyed recipient is encrypted", "[engine]") {
    const auto engine = test_engine();
    const auto outcome =
        engine.process(read_data_file("engine/plain-utf8.eml"), {"<bob@example.org>"});

    CHECK(outcome.decision.verdict == Verdict::Encrypted);
    CHECK(outcome.decision.reason.empty());
    CHECK(outcome.decision.recipient_count == 1);
    CHECK(outcome.decision.fingerprints == std::vector<std::string>{fingerprint_of("bob")});
    CHECK(outcome.decision.keyless == 0);
    REQUIRE(outcome.rewrite.has_value());

    const auto& added = outcome.rewrite->added;
    REQUIRE(added.size() == 2);
    CHECK(added[0].name == "MIME-Version");
    CHECK(added[0].value == "1.0");
    CHECK(added[1].name == "Content-Type");
    CHECK(added[1].value.rfind("multipart/encrypted;", 0) == 0);
    CHECK(added[1].value.find("protocol=\"application/pgp-encrypted\"") != std::string::npos);
    CHECK(added[1].value.find("boundary=") != std::string::npos);
}

TEST_CASE("engine: the output is multipart/encrypted with the two RFC 3156 parts", "[engine]") {
    const bool crlf = GENERATE(false, true);
    CAPTURE(crlf);
    const auto run =
        encrypt_with_engine(sample("engine/plain-utf8.eml", crlf), {"bob@example.org"});

    CHECK(run.seen.media_type == "multipart/encrypted");
    CHECK(run.seen.protocol == "application/pgp-encrypted");
    REQUIRE(run.seen.parts.size() == 2);
    CHECK(run.seen.parts[0].media_type == "application/pgp-encrypted");
    CHECK(run.seen.parts[0].content.find("Version: 1") != std::string::npos);
    CHECK(run.seen.parts[1].media_type == "application/octet-stream");
    CHECK(run.seen.parts[1].content.find("-----BEGIN PGP MESSAGE-----") != std::string::npos);
    // The clear text must not leak into the output.
    CHECK(run.output.find("this body is 8bit UTF-8") == std::string::npos);
}

TEST_CASE("engine: header fields other than Content-* and MIME-Version stay byte for byte",
          "[engine]") {
    // With header protection only the Subject changes, in place, to "[...]".
    const std::string file =
        GENERATE(as<std::string>{}, "engine/plain-utf8.eml", "engine/mixed-attachment.eml");
    const bool crlf = GENERATE(false, true);
    const bool protect = GENERATE(false, true);
    CAPTURE(file, crlf, protect);
    const std::string input = sample(file, crlf);
    const auto run = encrypt_with_engine(input, {"bob@example.org"}, protect);
    const std::string eol = crlf ? "\r\n" : "\n";

    std::vector<RawField> kept;
    for (auto field : split_message(input).fields) {
        if (!names_content_field(field.name) && lower(field.name) != "mime-version") {
            if (protect && lower(field.name) == "subject") {
                field.raw = "Subject: [...]" + eol;
            }
            kept.push_back(field);
        }
    }
    const RawMessage output = split_message(run.output);
    REQUIRE(output.fields.size() == kept.size() + 2);
    for (std::size_t i = 0; i < kept.size(); ++i) {
        CAPTURE(i);
        CHECK(output.fields[i].raw == kept[i].raw);
    }
    CHECK(output.fields[kept.size()].raw == "MIME-Version: 1.0" + eol);
    CHECK(output.fields[kept.size() + 1].raw ==
          "Content-Type: " + run.outcome.rewrite->added[1].value + eol);
    CHECK(output.body == run.outcome.rewrite->body);
}

TEST_CASE("engine: a raw UTF-8 Subject and a field without a space survive", "[engine]") {
    const bool crlf = GENERATE(false, true);
    const std::string eol = crlf ? "\r\n" : "\n";
    const auto run =
        encrypt_with_engine(sample("engine/plain-utf8.eml", crlf), {"bob@example.org"}, false);
    CHECK(run.output.find("Subject: Gr\xC3\xBC\xC3\x9F"
                          "e aus K\xC3\xB6ln \xE2\x80\x93 " +
                          std::string("\xC3\xBCn\xC3\xAF"
                                      "c\xC3\xB6"
                                      "d\xC3\xA9") +
                          eol) != std::string::npos);
    CHECK(run.output.find(eol + "X-Mailer:no space after the colon" + eol) != std::string::npos);
}

TEST_CASE("engine: no Content-Transfer-Encoding or other Content field outside", "[engine]") {
    const std::string file =
        GENERATE(as<std::string>{}, "engine/plain-utf8.eml", "engine/mixed-attachment.eml");
    CAPTURE(file);
    const auto run = encrypt_with_engine(read_data_file(file), {"bob@example.org"});
    int content_types = 0;
    int mime_versions = 0;
    for (const auto& field : split_message(run.output).fields) {
        const std::string name = lower(field.name);
        CHECK(name != "content-transfer-encoding");
        CHECK(name != "content-disposition");
        content_types += name == "content-type" ? 1 : 0;
        mime_versions += name == "mime-version" ? 1 : 0;
    }
    CHECK(content_types == 1);
    CHECK(mime_versions == 1);
}

TEST_CASE("engine: the output keeps the line ends of the input", "[engine]") {
    const auto lf =
        encrypt_with_engine(sample("engine/plain-utf8.eml", false), {"bob@example.org"});
    CHECK(lf.output.find('\r') == std::string::npos);

    const auto crlf =
        encrypt_with_engine(sample("engine/plain-utf8.eml", true), {"bob@example.org"});
    CHECK(all_line_ends_crlf(crlf.output));
}

TEST_CASE("engine: with header protection the Subject is hidden outside", "[engine]") {
    const auto run =
        encrypt_with_engine(sample("engine/plain-utf8.eml", false), {"bob@example.org"});
    REQUIRE(run.outcome.rewrite.has_value());
    REQUIRE(run.outcome.rewrite->changed.size() == 1);
    CHECK(run.outcome.rewrite->changed[0].name == "Subject");
    CHECK(run.outcome.rewrite->changed[0].value == std::optional<std::string>("[...]"));
    CHECK(run.output.find("\nSubject: [...]\n") != std::string::npos);
    CHECK(run.output.find("K\xC3\xB6ln") == std::string::npos);
    // ...and inside: the original Subject, and the legacy display line
    CHECK(run.decrypted.plaintext.find("\r\nSubject: Gr\xC3\xBC\xC3\x9F"
                                       "e aus K\xC3\xB6ln") != std::string::npos);
    CHECK(run.decrypted.plaintext.find("HP-Outer: Subject: [...]\r\n") != std::string::npos);
}

TEST_CASE("engine: a header with bare CR line ends is refused, never kept in clear", "[engine]") {
    // GMime reads this as one From field holding every other line: kept
    // outside the encryption, it would carry the text to the keyed recipient.
    const std::string message = "From: a@example.org\rTo: bob@example.org\rSubject: s\r\r"
                                "secret text\r";
    const auto engine = test_engine();
    CHECK_THROWS_AS(engine.process(message, {"bob@example.org"}), mailveil::MessageError);
    // Passed mail is not the engine's to refuse: it leaves as it came.
    const auto passed = engine.process(message, {"nobody@example.net"});
    CHECK(passed.decision.verdict == Verdict::Passed);
    CHECK_FALSE(passed.rewrite.has_value());
    // A CR that starts a CRLF is a line end, and a bare CR in the body is encrypted with it.
    CHECK(
        engine
            .process("From: a@example.org\r\nSubject: s\r\n\r\nbody\rmore\r\n", {"bob@example.org"})
            .decision.verdict == Verdict::Encrypted);
}
