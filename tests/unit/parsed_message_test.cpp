// ParsedMessage (mime/parsed_message.h): each header field's raw slice is the
// exact input bytes (folding, raw UTF-8, no space after the colon), body() is
// exact, and both hold for LF and CRLF input.
#include "core/errors.h"
#include "helpers/raw_message.h"
#include "helpers/test_env.h"
#include "mime/delimiter_census.h"
#include "mime/parsed_message.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using mailveil::mime::ParsedMessage;
using namespace mailveil::test;

namespace {

struct Field {
    std::string name;
    std::string lf_text; // the whole field with LF line ends
};

const std::vector<Field> kFields = {
    {"Received", "Received: from mx.example.net (mx.example.net [192.0.2.1])\n"
                 "\tby mail.example.org; Mon, 01 Jan 2024 10:00:01 +0000\n"},
    {"Received", "Received: from a.example (b.example)\n  by c.example\n"},
    {"From", "From: Alice <alice@example.net>\n"},
    {"Subject", "Subject: Gr\xC3\xBC\xC3\x9F"
                "e \xE2\x80\x93 \xC3\xBCn\xC3\xAF"
                "c\xC3\xB6"
                "d\xC3\xA9\n"},
    {"X-Tight", "X-Tight:no-space-after-colon\n"},
    {"X-Empty", "X-Empty:\n"},
    {"MIME-Version", "MIME-Version: 1.0\n"},
    {"Content-Type", "Content-Type: text/plain;\n charset=utf-8\n"},
    {"X-Between", "X-Between: after a Content field\n"},
    {"content-transfer-encoding", "content-transfer-encoding: 8bit\n"},
};

const std::string kBody = "First line\n\nGr\xC3\xBC\xC3\x9F"
                          "e\n-- \nlast line without end";

std::string with_eol(const std::string& lf_text, bool crlf) {
    return crlf ? crlf_from_lf(lf_text) : lf_text;
}

std::string sample_message(bool crlf) {
    std::string lf;
    for (const auto& field : kFields) {
        lf += field.lf_text;
    }
    lf += "\n" + kBody;
    return with_eol(lf, crlf);
}

} // namespace

TEST_CASE("ParsedMessage lists every header field with its exact bytes", "[parsed-message]") {
    const bool crlf = GENERATE(false, true);
    CAPTURE(crlf);
    const auto message = ParsedMessage::parse(sample_message(crlf));

    REQUIRE(message.headers().size() == kFields.size());
    for (std::size_t i = 0; i < kFields.size(); ++i) {
        CAPTURE(i);
        CHECK(message.headers()[i].name == kFields[i].name);
        CHECK(message.headers()[i].raw == with_eol(kFields[i].lf_text, crlf));
    }
}

TEST_CASE("ParsedMessage body is everything after the empty line", "[parsed-message]") {
    const bool crlf = GENERATE(false, true);
    CAPTURE(crlf);
    const auto message = ParsedMessage::parse(sample_message(crlf));
    CHECK(message.body() == with_eol(kBody, crlf));
    CHECK(message.uses_crlf() == crlf);
    CHECK(message.bytes() == sample_message(crlf));
}

TEST_CASE("ParsedMessage fields plus empty line plus body rebuild the input", "[parsed-message]") {
    const bool crlf = GENERATE(false, true);
    const std::string input = sample_message(crlf);
    const auto message = ParsedMessage::parse(input);
    std::string rebuilt;
    for (const auto& field : message.headers()) {
        rebuilt.append(field.raw);
    }
    rebuilt += crlf ? "\r\n" : "\n";
    rebuilt.append(message.body());
    CHECK(rebuilt == input);
}

TEST_CASE("ParsedMessage keeps a body that starts with an empty line", "[parsed-message]") {
    const bool crlf = GENERATE(false, true);
    CAPTURE(crlf);
    const auto message =
        ParsedMessage::parse(with_eol("Subject: x\nContent-Type: text/plain\n\n\nafter\n", crlf));
    CHECK(message.body() == with_eol("\nafter\n", crlf));
    REQUIRE(message.headers().size() == 2);
    CHECK(message.headers()[1].raw == with_eol("Content-Type: text/plain\n", crlf));
}

TEST_CASE("ParsedMessage gives an empty body for a message that ends after its header",
          "[parsed-message]") {
    const bool crlf = GENERATE(false, true);
    CAPTURE(crlf);
    const auto message =
        ParsedMessage::parse(with_eol("Subject: x\nTo: bob@example.org\n\n", crlf));
    CHECK(message.body().empty());
    REQUIRE(message.headers().size() == 2);
    CHECK(message.headers()[1].raw == with_eol("To: bob@example.org\n", crlf));
}

TEST_CASE("ParsedMessage accepts a header section with no empty line and no body",
          "[parsed-message]") {
    // RFC 5322 section 3.5: the empty line and the body are optional together.
    const bool crlf = GENERATE(false, true);
    CAPTURE(crlf);
    const std::string input = with_eol("Subject: x\nTo: bob@example.org\n", crlf);
    const auto message = ParsedMessage::parse(input);
    REQUIRE(message.headers().size() == 2);
    CHECK(message.headers()[0].raw == with_eol("Subject: x\n", crlf));
    CHECK(message.headers()[1].raw == with_eol("To: bob@example.org\n", crlf));
    CHECK(message.body().empty());
}

TEST_CASE("ParsedMessage rejects bytes that are no message", "[parsed-message]") {
    CHECK_THROWS_AS(ParsedMessage::parse(""), mailveil::MessageError);
    CHECK_THROWS_AS(ParsedMessage::parse("no header here\n"), mailveil::MessageError);
}

namespace {

// A multipart/mixed message of `parts` header-less parts, split across chunks
// the way a line may be split: "--" at the very end of a chunk counts too.
std::string many_parts_message(std::size_t parts) {
    std::string message = "From: a@example.org\nMIME-Version: 1.0\n"
                          "Content-Type: multipart/mixed; boundary=\"p\"\n\n";
    for (std::size_t i = 0; i < parts; ++i) {
        message += "--p\n\nx\n";
    }
    return message;
}

} // namespace

TEST_CASE("ParsedMessage refuses more MIME delimiter lines than it parses safely",
          "[parsed-message]") {
    using mailveil::mime::kMaxDelimiterLines;
    // The close delimiter makes one more delimiter line.
    CHECK(ParsedMessage::parse(many_parts_message(kMaxDelimiterLines - 1) + "--p--\n").top_part() !=
          nullptr);
    CHECK_THROWS_WITH(ParsedMessage::parse(many_parts_message(kMaxDelimiterLines) + "--p--\n"),
                      Catch::Contains("more than 10000 MIME delimiter lines"));
    CHECK_THROWS_AS(ParsedMessage::parse(many_parts_message(100000)), mailveil::MessageError);
    // "--" inside a line is no delimiter.
    std::string text = "From: a@example.org\n\n";
    for (std::size_t i = 0; i <= kMaxDelimiterLines; ++i) {
        text += "a -- b\n";
    }
    CHECK_NOTHROW(ParsedMessage::parse(text));
}

TEST_CASE("ParsedMessage refuses a header section over 1 MB", "[parsed-message]") {
    std::string fold;
    for (int i = 0; i < 20000; ++i) {
        fold += " " + std::string(75, 'x') + "\n";
    }
    const std::string head = "From: a@example.org\nX-Huge:" + fold;
    CHECK_THROWS_WITH(ParsedMessage::parse(head + "\nbody\n"),
                      Catch::Contains("header section larger than 1024 kB"));
    // A big body after a small header section is fine.
    CHECK_NOTHROW(ParsedMessage::parse("From: a@example.org\n\n" + fold));
}

TEST_CASE("ParsedMessage parses honest mail with many lines starting with \"--\"",
          "[parsed-message]") {
    // An SQL dump and a patch inside a multipart: their "--" lines are no
    // delimiters of the declared boundary.
    std::string message = "From: a@example.org\nMIME-Version: 1.0\n"
                          "Content-Type: multipart/mixed; boundary=\"----=_Part_1\"\n\n"
                          "------=_Part_1\nContent-Type: text/plain\n\n";
    for (std::size_t i = 0; i < 30000; ++i) {
        message += "-- row " + std::to_string(i) + "\n--- a/file" + std::to_string(i) + "\n";
    }
    message += "------=_Part_1--\n";
    const auto parsed = ParsedMessage::parse(message);
    CHECK(parsed.top_part() != nullptr);
}

TEST_CASE("ParsedMessage bounds delimiter lines times lines starting with \"--\"",
          "[parsed-message]") {
    // GMime compares every "--" line with every open boundary: 2,000 nested
    // levels and 100,000 other "--" lines would be 2e8 comparisons.
    std::string message = "From: a@example.org\nMIME-Version: 1.0\n"
                          "Content-Type: multipart/mixed; boundary=p\n\n";
    for (int i = 0; i < 2000; ++i) {
        message += "--p\nContent-Type: multipart/mixed; boundary=p\n\n";
    }
    for (int i = 0; i < 100000; ++i) {
        message += "--x\n";
    }
    CHECK_THROWS_WITH(ParsedMessage::parse(message), Catch::Contains("too costly to parse safely"));
}

TEST_CASE("ParsedMessage counts every \"--\" line when a boundary is written unreadably",
          "[parsed-message]") {
    using mailveil::mime::kMaxDelimiterLines;
    // RFC 2231 parameter continuations: the census cannot tell GMime's boundary.
    std::string message = "From: a@example.org\nMIME-Version: 1.0\n"
                          "Content-Type: multipart/mixed; boundary*0=\"p\"; boundary*1=\"q\"\n\n";
    for (std::size_t i = 0; i <= kMaxDelimiterLines; ++i) {
        message += "--pq\n\nx\n";
    }
    CHECK_THROWS_WITH(ParsedMessage::parse(message),
                      Catch::Contains("more than 10000 MIME delimiter lines"));
}

TEST_CASE("The delimiter census reads the same in any chunks and any letter case",
          "[parsed-message]") {
    using mailveil::mime::kMaxDelimiterLines;
    using mailveil::mime::refuse_costly_delimiters;
    std::string message = "From: a@example.org\nMIME-Version: 1.0\nContent-Type: multipart/mixed;"
                          " bOUNDARY=\"b-b\"\n\nbb boundar b\n";
    for (std::size_t i = 0; i <= kMaxDelimiterLines; ++i) {
        message += "--b-b\nb\n\n-- not " + std::string(200, '-') + "\n";
    }
    for (const std::size_t size :
         {std::size_t{1}, std::size_t{3}, std::size_t{7}, message.size()}) {
        CAPTURE(size);
        CHECK_THROWS_WITH(refuse_costly_delimiters([&](const auto& consume) {
                              for (std::size_t at = 0; at < message.size(); at += size) {
                                  consume(std::string_view(message).substr(at, size));
                              }
                          }),
                          Catch::Contains("more than 10000 MIME delimiter lines"));
    }
    // Without a boundary parameter no line is a delimiter.
    std::string plain = "From: a@example.org\n\n";
    for (std::size_t i = 0; i <= kMaxDelimiterLines; ++i) {
        plain += "--b-b\n";
    }
    CHECK_NOTHROW(refuse_costly_delimiters([&](const auto& consume) { consume(plain); }));
}

TEST_CASE("ParsedMessage views stay valid after the message is moved", "[parsed-message]") {
    auto original = ParsedMessage::parse(sample_message(false));
    const ParsedMessage moved = std::move(original);
    REQUIRE(moved.headers().size() == kFields.size());
    CHECK(moved.headers().front().raw == kFields.front().lf_text);
    CHECK(moved.body() == kBody);
    CHECK(moved.top_part() != nullptr);
}

TEST_CASE("ParsedMessage agrees with a plain line split on every sample file", "[parsed-message]") {
    const std::string file = GENERATE(as<std::string>{}, "classify/pgp-mime.eml",
                                      "classify/smime.eml", "classify/inline-pgp-qp.eml",
                                      "classify/signed.eml", "classify/no-mime-headers.eml",
                                      "engine/plain-utf8.eml", "engine/mixed-attachment.eml");
    const bool crlf = GENERATE(false, true);
    CAPTURE(file, crlf);
    const std::string bytes = with_eol(read_data_file(file), crlf);
    const auto message = ParsedMessage::parse(bytes);
    const RawMessage expected = split_message(bytes);

    REQUIRE(message.headers().size() == expected.fields.size());
    for (std::size_t i = 0; i < expected.fields.size(); ++i) {
        CAPTURE(i);
        CHECK(message.headers()[i].name == expected.fields[i].name);
        CHECK(message.headers()[i].raw == expected.fields[i].raw);
    }
    CHECK(message.body() == expected.body);
}

TEST_CASE("ParsedMessage exposes the MIME structure through GMime", "[parsed-message]") {
    const auto message = ParsedMessage::parse(read_data_file("engine/mixed-attachment.eml"));
    REQUIRE(message.gmime_message() != nullptr);
    GMimeObject* top = message.top_part();
    REQUIRE(top != nullptr);
    REQUIRE(GMIME_IS_MULTIPART(top));
    CHECK(g_mime_multipart_get_count(GMIME_MULTIPART(top)) == 2);
}

TEST_CASE("header_name_equals compares ASCII case-insensitively", "[parsed-message]") {
    using mailveil::mime::header_name_equals;
    CHECK(header_name_equals("Content-Type", "content-type"));
    CHECK(header_name_equals("MIME-Version", "Mime-Version"));
    CHECK_FALSE(header_name_equals("Content-Type", "Content-Typ"));
    CHECK_FALSE(header_name_equals("Content-Type", "Content-Type "));
    CHECK(header_name_equals("", ""));
}

TEST_CASE("is_content_header accepts exactly the Content-* names", "[parsed-message]") {
    using mailveil::mime::is_content_header;
    CHECK(is_content_header("Content-Type"));
    CHECK(is_content_header("content-transfer-encoding"));
    CHECK(is_content_header("CONTENT-DISPOSITION"));
    CHECK(is_content_header("Content-X"));
    CHECK_FALSE(is_content_header("Content-"));
    CHECK_FALSE(is_content_header("Content"));
    CHECK_FALSE(is_content_header("Contents-Type"));
    CHECK_FALSE(is_content_header("X-Content-Type"));
    CHECK_FALSE(is_content_header("MIME-Version"));
}
