// Applying a rewrite (core/rewrite.h): which header fields go, that the others
// stay byte for byte and in order, and how added fields and the body follow,
// with the message's own line ends.
#include "core/rewrite.h"
#include "helpers/raw_message.h"
#include "mime/parsed_message.h"

#include <catch2/catch.hpp>

#include <cctype>
#include <string>

using mailveil::core::apply_rewrite;
using mailveil::core::Rewrite;
using mailveil::mime::ParsedMessage;
using namespace mailveil::test;

namespace {

const std::string kMessage = "Received: from a.example\n"
                             "\tby b.example; Mon, 01 Jan 2024 10:00:01 +0000\n"
                             "From: Alice <alice@example.net>\n"
                             "Mime-Version: 1.0\n"
                             "Subject: Gr\xC3\xBC\xC3\x9F"
                             "e\n"
                             "Content-Type: text/plain;\n"
                             " charset=utf-8\n"
                             "X-Tight:value\n"
                             "content-transfer-encoding: 8bit\n"
                             "Content-Type: text/html\n"
                             "X-Last: last\n"
                             "\n"
                             "old body\n";

bool is_mime_version(std::string_view name) {
    std::string lower(name);
    for (auto& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return lower == "mime-version";
}

} // namespace

TEST_CASE("rewrite: deletes every Content-* field and MIME-Version", "[rewrite]") {
    CHECK(Rewrite::deletes_header("Content-Type"));
    CHECK(Rewrite::deletes_header("content-transfer-encoding"));
    CHECK(Rewrite::deletes_header("Content-Disposition"));
    CHECK(Rewrite::deletes_header("MIME-Version"));
    CHECK(Rewrite::deletes_header("mime-version"));

    CHECK_FALSE(Rewrite::deletes_header("Subject"));
    CHECK_FALSE(Rewrite::deletes_header("X-Content-Type"));
    CHECK_FALSE(Rewrite::deletes_header("MIME-Version-Extra"));
    CHECK_FALSE(Rewrite::deletes_header("Received"));
}

TEST_CASE("rewrite: kept fields byte for byte, then added fields, empty line, body", "[rewrite]") {
    const bool crlf = GENERATE(false, true);
    CAPTURE(crlf);
    const std::string input = crlf ? crlf_from_lf(kMessage) : kMessage;
    const std::string eol = crlf ? "\r\n" : "\n";
    const auto message = ParsedMessage::parse(input);

    Rewrite rewrite;
    rewrite.added.push_back({"MIME-Version", "1.0"});
    rewrite.added.push_back({"Content-Type", "multipart/encrypted; boundary=\"b\""});
    rewrite.body = "new body" + eol;

    std::string expected;
    for (const auto& field : split_message(input).fields) {
        if (!names_content_field(field.name) && !is_mime_version(field.name)) {
            expected += field.raw;
        }
    }
    expected += "MIME-Version: 1.0" + eol;
    expected += "Content-Type: multipart/encrypted; boundary=\"b\"" + eol;
    expected += eol + "new body" + eol;

    CHECK(apply_rewrite(message, rewrite) == expected);
}

TEST_CASE("rewrite: deletes a field written with a blank before its colon", "[rewrite]") {
    // RFC 5322 obsolete syntax (section 4.5.3) allows "MIME-Version : 1.0";
    // the rewrite must not leave it next to the MIME-Version it adds.
    const auto message = ParsedMessage::parse("From: alice@example.net\n"
                                              "MIME-Version : 1.0\n"
                                              "Content-Type\t: text/plain\n"
                                              "Subject: x\n"
                                              "\n"
                                              "body\n");
    Rewrite rewrite;
    rewrite.added.push_back({"MIME-Version", "1.0"});
    rewrite.added.push_back({"Content-Type", "multipart/encrypted; boundary=\"b\""});
    CHECK(apply_rewrite(message, rewrite) == "From: alice@example.net\n"
                                             "Subject: x\n"
                                             "MIME-Version: 1.0\n"
                                             "Content-Type: multipart/encrypted; boundary=\"b\"\n"
                                             "\n");
}

TEST_CASE("rewrite: removes both of two Content-Type fields", "[rewrite]") {
    const auto message = ParsedMessage::parse(kMessage);
    const std::string output = apply_rewrite(message, Rewrite{});
    CHECK(output.find("Content-Type") == std::string::npos);
    CHECK(output.find("content-transfer-encoding") == std::string::npos);
    CHECK(output.find("Mime-Version") == std::string::npos);
    CHECK(output.find("X-Tight:value\nX-Last: last\n\n") != std::string::npos);
}

TEST_CASE("rewrite: a changed field is replaced in place, a removed one disappears",
          "[rewrite]") {
    const bool crlf = GENERATE(false, true);
    CAPTURE(crlf);
    const std::string input = "Subject: one\n"
                              "From: a@example.net\n"
                              "Keywords: k1\n"
                              "subject: two\n"
                              "Keywords: k2\n"
                              "X-Last: last\n"
                              "\n"
                              "body\n";
    const std::string eol = crlf ? "\r\n" : "\n";
    Rewrite rewrite;
    rewrite.changed.push_back({"SUBJECT", "[...]"});
    rewrite.changed.push_back({"keywords", std::nullopt});
    rewrite.body = "new" + eol;
    const auto message = ParsedMessage::parse(crlf ? crlf_from_lf(input) : input);
    CHECK(apply_rewrite(message, rewrite) ==
          "Subject: [...]" + eol + "From: a@example.net" + eol + "X-Last: last" + eol + eol +
              "new" + eol);
}
