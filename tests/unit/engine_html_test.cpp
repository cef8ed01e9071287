// The engine's HTML step (core/engine.h, core/html_step.h): html_encrypted
// rewrites what gets encrypted (default text: no HTML in the payload),
// html_plain rewrites mail that passes (default keep), format=flowed only
// inside encryption, already-encrypted mail never, and the log line says so.
#include "core/engine.h"
#include "core/html_step.h"
#include "helpers/gmime_view.h"
#include "helpers/gpg_tools.h"
#include "helpers/pgp_mime_reader.h"
#include "helpers/raw_message.h"
#include "helpers/test_env.h"
#include "html/html_to_text.h"

#include <catch2/catch.hpp>

#include <string>

using mailveil::core::Engine;
using mailveil::core::EngineSettings;
using mailveil::core::Verdict;
using mailveil::mime::HtmlMode;
using mailveil::mime::ParsedMessage;
using namespace mailveil::test;

namespace {

const std::string kHtml = "<p>Hello <b>Bob</b>, caf\xC3\xA9 at noon?</p>\n";
const std::string kMessage = "From: Alice <alice@example.net>\n"
                             "To: bob@example.org\n"
                             "Subject: Lunch\n"
                             "MIME-Version: 1.0\n"
                             "Content-Type: text/html; charset=utf-8\n"
                             "Content-Transfer-Encoding: 8bit\n"
                             "\n" +
                             kHtml;

Engine engine_with(HtmlMode encrypted, HtmlMode plain, bool flowed = false) {
    EngineSettings settings{keyring_dir()};
    settings.html_encrypted = encrypted;
    settings.html_plain = plain;
    settings.html_flowed = flowed;
    return Engine(std::move(settings));
}

// The payload of an encrypted outcome, decrypted, as GMime reads it.
std::string decrypted_payload(const ParsedMessage& message,
                              const mailveil::core::Outcome& outcome) {
    REQUIRE(outcome.decision.verdict == Verdict::Encrypted);
    REQUIRE(outcome.rewrite);
    const auto seen = read_as_client(mailveil::core::apply_rewrite(message, *outcome.rewrite));
    REQUIRE(seen.parts.size() == 2);
    return decrypt(keyring_dir(), seen.parts[1].content).plaintext;
}

std::string parameter(GMimeObject* object, const char* name) {
    const char* value = g_mime_object_get_content_type_parameter(object, name);
    return value != nullptr ? value : "";
}

} // namespace

TEST_CASE("engine html: by default the encrypted payload carries text, no HTML", "[engine][html]") {
    const auto message = ParsedMessage::parse(kMessage);
    const Engine engine{EngineSettings{keyring_dir()}};
    const auto outcome = engine.process(message, {"bob@example.org"});
    CHECK(outcome.decision.html == HtmlMode::Text);
    CHECK(mailveil::core::describe(outcome.decision).ends_with(" html=text"));

    const auto payload = gmime_parse(decrypted_payload(message, outcome));
    GMimeObject* root = g_mime_message_get_mime_part(payload.get());
    CHECK(media_type(root) == "text/plain");
    CHECK(parameter(root, "charset") == "utf-8");
    CHECK(parameter(root, "format").empty());
    // Header protection puts a legacy display ("Subject: Lunch" and a blank line) first.
    const std::string text = decoded_content(root);
    CHECK(text.ends_with(crlf_from_lf(mailveil::html::to_text(kHtml, "utf-8"))));
    CHECK(text.find("<p>") == std::string::npos);
}

TEST_CASE("engine html: keep encrypts the HTML as it came", "[engine][html]") {
    const auto message = ParsedMessage::parse(kMessage);
    const auto outcome =
        engine_with(HtmlMode::Keep, HtmlMode::Keep).process(message, {"bob@example.org"});
    CHECK_FALSE(outcome.decision.html.has_value());
    const auto payload = gmime_parse(decrypted_payload(message, outcome));
    CHECK(media_type(g_mime_message_get_mime_part(payload.get())) == "text/html");
}

TEST_CASE("engine html: flowed text only inside encryption", "[engine][html]") {
    const auto message = ParsedMessage::parse(kMessage);
    const Engine engine = engine_with(HtmlMode::Text, HtmlMode::Text, true);

    const auto encrypted = engine.process(message, {"bob@example.org"});
    const auto payload = gmime_parse(decrypted_payload(message, encrypted));
    GMimeObject* inner = g_mime_message_get_mime_part(payload.get());
    CHECK(parameter(inner, "format") == "flowed");
    CHECK(parameter(inner, "delsp") == "yes");

    const auto passed = engine.process(message, {"nobody@example.org"});
    REQUIRE(passed.rewrite);
    const auto plain = gmime_parse(mailveil::core::apply_rewrite(message, *passed.rewrite));
    CHECK(parameter(g_mime_message_get_mime_part(plain.get()), "format").empty());
}

TEST_CASE("engine html: passed mail is unchanged by default", "[engine][html]") {
    const Engine engine{EngineSettings{keyring_dir()}};
    const auto outcome = engine.process(kMessage, {"nobody@example.org"});
    CHECK(outcome.decision.verdict == Verdict::Passed);
    CHECK_FALSE(outcome.rewrite.has_value());
    CHECK_FALSE(outcome.decision.html.has_value());
}

TEST_CASE("engine html: html_plain alternative rewrites passed mail", "[engine][html]") {
    const bool crlf = GENERATE(false, true);
    const std::string input = crlf ? crlf_from_lf(kMessage) : kMessage;
    const auto message = ParsedMessage::parse(input);
    const auto outcome =
        engine_with(HtmlMode::Text, HtmlMode::Alternative).process(message, {"nobody@example.org"});
    CHECK(outcome.decision.verdict == Verdict::Passed);
    CHECK(outcome.decision.reason == "no-key");
    CHECK(outcome.decision.html == HtmlMode::Alternative);
    CHECK(mailveil::core::describe(outcome.decision) ==
          "decision=passed reason=no-key rcpts=1 keyless=1 html=alternative");
    REQUIRE(outcome.rewrite);

    const std::string output = mailveil::core::apply_rewrite(message, *outcome.rewrite);
    CHECK(all_line_ends_crlf(output) == crlf);
    const auto seen = read_as_client(output);
    CHECK(seen.media_type == "multipart/alternative");
    REQUIRE(seen.parts.size() == 2);
    CHECK(seen.parts[0].media_type == "text/plain");
    const std::string text = mailveil::html::to_text(kHtml, "utf-8");
    CHECK(seen.parts[0].content == (crlf ? crlf_from_lf(text) : text));
    CHECK(seen.parts[1].media_type == "text/html");
    CHECK(seen.parts[1].content == (crlf ? crlf_from_lf(kHtml) : kHtml));
    for (const auto& field : split_message(output).fields) {
        if (!names_content_field(field.name) && field.name != "MIME-Version") {
            CHECK(input.find(field.raw) != std::string::npos);
        }
    }
}

TEST_CASE("engine html: already encrypted mail is never rewritten", "[engine][html]") {
    const auto encrypted_input = read_data_file("classify/pgp-mime.eml");
    const auto passed = engine_with(HtmlMode::Text, HtmlMode::Text)
                            .process(encrypted_input, {"nobody@example.org"});
    CHECK(passed.decision.reason == "already-encrypted");
    CHECK_FALSE(passed.rewrite.has_value());
}

TEST_CASE("engine html: rewrite_to unfolds the rewritten Content-* fields", "[engine][html]") {
    const auto rewritten = ParsedMessage::parse("From: a@example.net\n"
                                                "Content-Type: multipart/mixed;\n"
                                                "\tboundary=\"b\"\n"
                                                "\n"
                                                "--b\n\nx\n--b--\n");
    const auto rewrite = mailveil::core::rewrite_to(rewritten);
    REQUIRE(rewrite.added.size() == 2);
    CHECK(rewrite.added[0].name == "MIME-Version");
    CHECK(rewrite.added[0].value == "1.0");
    CHECK(rewrite.added[1].name == "Content-Type");
    CHECK(rewrite.added[1].value == "multipart/mixed;\tboundary=\"b\"");
    CHECK(rewrite.body == "--b\n\nx\n--b--\n");
}
