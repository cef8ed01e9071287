// Spooled messages (mime/spool_file.h, ParsedMessage::parse_spooled,
// core/spooled_encryption.h): a message whose body sits in a spool file is
// classified and encrypted exactly as the same message held in memory, and
// the spool files leave nothing behind.
#include "core/engine.h"
#include "core/errors.h"
#include "helpers/engine_run.h"
#include "helpers/pgp_mime_reader.h"
#include "helpers/raw_message.h"
#include "helpers/test_env.h"
#include "mime/classify.h"
#include "mime/delimiter_census.h"
#include "mime/entity_streams.h"
#include "mime/header_protection.h"
#include "mime/parsed_message.h"
#include "mime/spool_file.h"

#include <catch2/catch.hpp>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <regex>
#include <string>

using namespace mailveil;
using namespace mailveil::test;

namespace {

struct ScratchDir {
    ScratchDir() {
        std::string pattern = "/tmp/mailveil-spool-test.XXXXXX";
        path = ::mkdtemp(pattern.data());
    }
    ~ScratchDir() { ::rmdir(path.c_str()); }
    std::size_t entries() const {
        std::size_t count = 0;
        if (DIR* dir = ::opendir(path.c_str())) {
            while (const dirent* entry = ::readdir(dir)) {
                count += std::string(entry->d_name) != "." && std::string(entry->d_name) != "..";
            }
            ::closedir(dir);
        }
        return count;
    }
    std::string path;
};

mime::ParsedMessage spooled(const std::string& bytes, const std::string& directory) {
    const auto crlf = bytes.find("\r\n\r\n");
    const auto lf = bytes.find("\n\n");
    const std::size_t cut = crlf != std::string::npos && crlf < lf ? crlf + 4 : lf + 2;
    auto file = mime::SpoolFile::create(directory);
    file->append(std::string_view(bytes).substr(cut));
    return mime::ParsedMessage::parse_spooled(bytes.substr(0, cut), file);
}

std::string decrypted_output(const mime::ParsedMessage& message, const core::Outcome& outcome) {
    REQUIRE(outcome.rewrite.has_value());
    const auto seen = read_as_client(core::apply_rewrite(message, *outcome.rewrite));
    REQUIRE(seen.parts.size() == 2);
    return decrypt(keyring_dir(), seen.parts[1].content).plaintext;
}

} // namespace

TEST_CASE("spool: too many MIME delimiter lines in the spooled body are refused", "[spool]") {
    ScratchDir dir;
    std::string message = "From: a@example.org\nMIME-Version: 1.0\n"
                          "Content-Type: multipart/mixed; boundary=\"p\"\n\n";
    for (std::size_t i = 0; i < mime::kMaxDelimiterLines; ++i) {
        message += "--p\n\nx\n";
    }
    CHECK_NOTHROW(spooled(message, dir.path));
    CHECK_THROWS_AS(spooled(message + "--p--\n", dir.path), MessageError);
    CHECK(dir.entries() == 0);
}

TEST_CASE("spool: a spool file holds what was appended and has no name", "[spool]") {
    ScratchDir dir;
    {
        auto file = mime::SpoolFile::create(dir.path);
        file->append("hello ");
        file->append(std::string(200000, 'x'));
        CHECK(file->size() == 200006);
        CHECK(file->contents() == "hello " + std::string(200000, 'x'));
        CHECK(file->byte_at(0) == 'h');
        CHECK(dir.entries() == 0);
    }
    CHECK(dir.entries() == 0);
}

TEST_CASE("spool: an unwritable spool directory is a SpoolError naming it", "[spool]") {
    CHECK_THROWS_WITH(mime::SpoolFile::create("/nonexistent/spool"),
                      Catch::Contains("/nonexistent/spool"));
    CHECK_THROWS_AS(mime::SpoolFile::create("/nonexistent/spool"), ProcessingError);
}

TEST_CASE("spool: a spooled message has the same header fields and structure", "[spool]") {
    ScratchDir dir;
    const bool crlf = GENERATE(false, true);
    std::string input = read_data_file("engine/mixed-attachment.eml");
    input = crlf ? crlf_from_lf(input) : input;
    const auto memory = mime::ParsedMessage::parse(input);
    const auto message = spooled(input, dir.path);
    REQUIRE(message.spooled());
    REQUIRE(message.headers().size() == memory.headers().size());
    for (std::size_t i = 0; i < memory.headers().size(); ++i) {
        CHECK(message.headers()[i].raw == memory.headers()[i].raw);
    }
    CHECK(message.uses_crlf() == crlf);
    CHECK(GMIME_IS_MULTIPART(message.top_part()));
    CHECK_THROWS_AS(message.body(), std::logic_error);
}

TEST_CASE("spool: already-encrypted forms are recognised in a spooled message", "[spool]") {
    ScratchDir dir;
    const std::string file =
        GENERATE(as<std::string>{}, "classify/inline-pgp.eml", "classify/inline-pgp-base64.eml",
                 "classify/pgp-mime.eml", "classify/inline-pgp-unclosed.eml", "classify/plain.eml");
    CAPTURE(file);
    const std::string input = read_data_file(file);
    CHECK(mime::existing_encryption(spooled(input, dir.path)) ==
          mime::existing_encryption(mime::ParsedMessage::parse(input)));
}

TEST_CASE("spool: a spooled message decrypts to the same payload as one in memory",
          "[spool][engine]") {
    ScratchDir dir;
    const std::string file =
        GENERATE(as<std::string>{}, "engine/plain-utf8.eml", "engine/mixed-attachment.eml",
                 "engine/signed.eml", "engine/no-content-headers.eml");
    const bool crlf = GENERATE(false, true);
    const bool protect = GENERATE(false, true);
    CAPTURE(file, crlf, protect);
    std::string input = read_data_file(file);
    input = crlf ? crlf_from_lf(input) : input;

    const auto engine = test_engine(protect);
    const auto memory = mime::ParsedMessage::parse(input);
    const auto message = spooled(input, dir.path);
    const auto in_memory = engine.process(memory, {"bob@example.org"});
    const auto from_spool = engine.process(message, {"bob@example.org"});
    REQUIRE(from_spool.decision.verdict == core::Verdict::Encrypted);
    REQUIRE(from_spool.rewrite->spooled_body.has_value());
    CHECK(core::describe(from_spool.decision) == core::describe(in_memory.decision));
    CHECK(from_spool.rewrite->changed.size() == in_memory.rewrite->changed.size());
    CHECK(decrypted_output(message, from_spool) == decrypted_output(memory, in_memory));

    const std::string output = core::apply_rewrite(message, *from_spool.rewrite);
    CHECK(crlf == all_line_ends_crlf(output));
    CHECK((crlf || output.find('\r') == std::string::npos));
}

TEST_CASE("spool: a big text part is encrypted whole, without its legacy display",
          "[spool][engine]") {
    ScratchDir dir;
    std::string text;
    while (text.size() < 3 * 1024 * 1024) {
        text += "line " + std::to_string(text.size()) + " of a long report\n";
    }
    const std::string input = "From: a@example.net\nTo: bob@example.org\nSubject: big\n"
                              "Content-Type: text/plain; charset=us-ascii\n\n" +
                              text;
    const auto message = spooled(input, dir.path);
    const auto outcome = test_engine().process(message, {"bob@example.org"});
    const std::string payload = decrypted_output(message, outcome);
    CHECK(payload.find("Subject: big\r\n") != std::string::npos);
    const std::string body = payload.substr(payload.find("\r\n\r\n") + 4);
    CHECK(body == crlf_from_lf(text));
}

TEST_CASE("spool: the streamed RFC 9788 payload equals the in-memory one", "[spool]") {
    ScratchDir dir;
    const std::string name =
        GENERATE(as<std::string>{}, "alternative", "html", "mixed-attachment", "no-content-type",
                 "plain-rfc2047", "raw-utf8-subject", "signed");
    const bool crlf = GENERATE(false, true);
    CAPTURE(name, crlf);
    std::string input = read_data_file("header_protection/" + name + ".eml");
    input = crlf ? crlf_from_lf(input) : input;
    const auto expected = mime::protect_headers(mime::ParsedMessage::parse(input));
    const auto streamed = mime::protect_headers_streaming(spooled(input, dir.path));
    std::string entity;
    char buffer[4096];
    while (const auto got = mime::read_some(streamed.entity.get(), buffer, sizeof buffer)) {
        entity.append(buffer, got);
    }
    CHECK(entity == expected.entity);
    CHECK(streamed.headers_protected == expected.headers_protected);
    CHECK(streamed.outer_changes.size() == expected.outer_changes.size());
}

namespace {

const std::string kHtmlMessage = "From: Alice <alice@example.net>\n"
                                 "To: bob@example.org\n"
                                 "Subject: Lunch\n"
                                 "MIME-Version: 1.0\n"
                                 "Content-Type: multipart/mixed; boundary=\"=_m\"\n"
                                 "\n"
                                 "--=_m\n"
                                 "Content-Type: text/html; charset=utf-8\n"
                                 "\n"
                                 "<p>Hello <b>Bob</b>, caf\xC3\xA9 at noon?</p>\n"
                                 "--=_m\n"
                                 "Content-Type: application/octet-stream\n"
                                 "Content-Transfer-Encoding: base64\n"
                                 "\n"
                                 "AAECAwQFBgcICQ==\n"
                                 "--=_m--\n";

core::Engine html_engine(mime::HtmlMode encrypted, mime::HtmlMode plain) {
    core::EngineSettings settings{keyring_dir()};
    settings.html_encrypted = encrypted;
    settings.html_plain = plain;
    return core::Engine(std::move(settings));
}

} // namespace

TEST_CASE("spool: the HTML step rewrites a spooled message as one in memory", "[spool][html]") {
    ScratchDir dir;
    const bool crlf = GENERATE(false, true);
    CAPTURE(crlf);
    const std::string input = crlf ? crlf_from_lf(kHtmlMessage) : kHtmlMessage;
    const auto memory = mime::ParsedMessage::parse(input);
    const auto message = spooled(input, dir.path);

    SECTION("encrypted: text mode") {
        const auto engine = html_engine(mime::HtmlMode::Text, mime::HtmlMode::Keep);
        const auto in_memory = engine.process(memory, {"bob@example.org"});
        const auto from_spool = engine.process(message, {"bob@example.org"});
        CHECK(core::describe(from_spool.decision) == core::describe(in_memory.decision));
        CHECK(from_spool.decision.html == mime::HtmlMode::Text);
        const std::string payload = decrypted_output(message, from_spool);
        CHECK(payload == decrypted_output(memory, in_memory));
        CHECK(payload.find("<p>") == std::string::npos);
        CHECK(payload.find("Hello") != std::string::npos);
    }
    SECTION("passed: alternative mode") {
        const auto engine = html_engine(mime::HtmlMode::Text, mime::HtmlMode::Alternative);
        const auto in_memory = engine.process(memory, {"nobody@example.org"});
        const auto from_spool = engine.process(message, {"nobody@example.org"});
        REQUIRE(from_spool.rewrite.has_value());
        REQUIRE(from_spool.rewrite->spooled_body.has_value());
        // the new multipart/alternative gets a fresh random boundary each time
        const auto without_boundaries = [](const std::string& text) {
            return std::regex_replace(text, std::regex("=-[A-Za-z0-9+/]{20}"), "=-BOUNDARY");
        };
        CHECK(without_boundaries(core::apply_rewrite(message, *from_spool.rewrite)) ==
              without_boundaries(core::apply_rewrite(memory, *in_memory.rewrite)));
    }
    CHECK(dir.entries() == 0);
}
