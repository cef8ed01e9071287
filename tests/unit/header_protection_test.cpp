// protect_headers() (mime/header_protection.h): the RFC 9788 payload's header
// section (original fields byte for byte, hp="cipher", HP-Outer), hcp_baseline's
// outer changes and the legacy display, for the samples in
// tests/data/header_protection and a few messages written out here.
#include "helpers/gmime_view.h"
#include "helpers/raw_message.h"
#include "helpers/test_env.h"
#include "mime/header_protection.h"
#include "mime/line_endings.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

using mailveil::mime::OuterHeaderChange;
using mailveil::mime::ParsedMessage;
using mailveil::mime::protect_headers;
using mailveil::mime::ProtectedPayload;
using namespace mailveil::test;

namespace {

const std::vector<std::string> kProtectedSamples = {
    "plain-rfc2047", "raw-utf8-subject", "no-content-type",
    "html",          "alternative",      "mixed-attachment",
};

std::string sample(const std::string& name, bool crlf = false) {
    const std::string bytes = read_data_file("header_protection/" + name + ".eml");
    return crlf ? crlf_from_lf(bytes) : bytes;
}

ProtectedPayload protect(std::string_view bytes) {
    return protect_headers(ParsedMessage::parse(std::string(bytes)));
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::vector<std::string> raw_fields(const std::string& entity, std::string_view name) {
    std::vector<std::string> out;
    for (const auto& field : split_message(entity).fields) {
        if (lower(field.name) == lower(name)) {
            out.push_back(field.raw);
        }
    }
    return out;
}

std::string parameter(GMimeObject* object, const char* name) {
    const char* value = g_mime_object_get_content_type_parameter(object, name);
    return value != nullptr ? value : "";
}

// The payload as a client sees it after decryption: GMime reads it as a message.
struct Payload {
    explicit Payload(const std::string& entity)
        : message(gmime_parse(entity)), root(g_mime_message_get_mime_part(message.get())) {}

    GMimeObject* part(int index) const {
        REQUIRE(GMIME_IS_MULTIPART(root));
        REQUIRE(index < g_mime_multipart_get_count(GMIME_MULTIPART(root)));
        return g_mime_multipart_get_part(GMIME_MULTIPART(root), index);
    }

    mailveil::mime::GObjectPtr<GMimeMessage> message;
    GMimeObject* root;
};

bool same_change(const OuterHeaderChange& a, const OuterHeaderChange& b) {
    return a.name == b.name && a.value == b.value;
}

const std::string kDisplayDiv = "<div class=\"header-protection-legacy-display\">";

} // namespace

TEST_CASE("header_protection: each sample becomes the payload beside it", "[header-protection]") {
    const bool crlf = GENERATE(false, true);
    std::vector<std::string> names = kProtectedSamples;
    names.push_back("signed");
    for (const auto& name : names) {
        INFO(name << (crlf ? " (CRLF)" : " (LF)"));
        const auto payload = protect(sample(name, crlf));
        CHECK(all_line_ends_crlf(payload.entity));
        CHECK(mailveil::mime::to_lf(payload.entity) ==
              read_data_file("header_protection/" + name + ".payload"));
        CHECK(payload.headers_protected == (name != "signed"));
    }
}

TEST_CASE("header_protection: the payload carries the original fields byte for byte",
          "[header-protection]") {
    const bool crlf = GENERATE(false, true);
    const std::string name = GENERATE(as<std::string>{}, "plain-rfc2047", "raw-utf8-subject");
    INFO(name << (crlf ? " (CRLF)" : " (LF)"));
    const std::string input = sample(name, crlf);
    const auto inner = split_message(protect(input).entity);

    for (const auto& field : split_message(input).fields) {
        const std::string key = lower(field.name);
        if (names_content_field(field.name) || key == "received" || key == "return-path" ||
            key == "dkim-signature" || key == "bcc") {
            continue;
        }
        INFO(field.raw);
        const std::string wanted = crlf ? field.raw : crlf_from_lf(field.raw);
        CHECK(std::any_of(inner.fields.begin(), inner.fields.end(),
                          [&](const RawField& f) { return f.raw == wanted; }));
    }
}

TEST_CASE("header_protection: the inner Subject is the original, RFC 2047 or raw UTF-8",
          "[header-protection]") {
    CHECK(raw_fields(protect(sample("plain-rfc2047")).entity, "Subject") ==
          std::vector<std::string>{
              "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_zum_Quartal_=E2=80=93_<Q1>_&_more?=\r\n"});
    CHECK(raw_fields(protect(sample("raw-utf8-subject")).entity, "Subject") ==
          std::vector<std::string>{"Subject: Gr\xC3\xBC\xC3\x9F"
                                   "e aus M\xC3\xBCnchen\r\n"});
}

TEST_CASE("header_protection: trace fields and Bcc stay outside only", "[header-protection]") {
    const auto payload = protect(sample("plain-rfc2047"));
    for (const char* name : {"Received", "Return-Path", "DKIM-Signature", "Bcc"}) {
        INFO(name);
        CHECK(raw_fields(payload.entity, name).empty());
        for (const auto& outer : raw_fields(payload.entity, "HP-Outer")) {
            CHECK(lower(outer).find(lower(std::string("HP-Outer: ") + name + ":")) ==
                  std::string::npos);
        }
    }
    CHECK(payload.entity.find("dave@example.org") == std::string::npos);
}

TEST_CASE("header_protection: hcp_baseline obscures Subject, removes Comments and Keywords",
          "[header-protection]") {
    const auto all = protect(sample("plain-rfc2047")).outer_changes;
    const std::vector<OuterHeaderChange> expected = {
        {"Subject", "[...]"}, {"Comments", std::nullopt}, {"Keywords", std::nullopt}};
    REQUIRE(all.size() == expected.size());
    CHECK(std::equal(all.begin(), all.end(), expected.begin(), same_change));

    const auto subject_only = protect(sample("raw-utf8-subject")).outer_changes;
    REQUIRE(subject_only.size() == 1);
    CHECK(same_change(subject_only.front(), {"Subject", "[...]"}));
}

TEST_CASE("header_protection: hp=\"cipher\" is on the payload's Content-Type, as GMime reads it",
          "[header-protection]") {
    for (const auto& name : kProtectedSamples) {
        INFO(name);
        const std::string input = sample(name);
        const Payload payload(protect(input).entity);
        CHECK(parameter(payload.root, "hp") == "cipher");
        CHECK(parameter(payload.root, "protected-headers") == "v1");
        const Payload original(input);
        CHECK(media_type(payload.root) == media_type(original.root));
    }
}

TEST_CASE("header_protection: no Content-Type becomes text/plain us-ascii with hp",
          "[header-protection]") {
    const Payload payload(protect(sample("no-content-type")).entity);
    CHECK(media_type(payload.root) == "text/plain");
    CHECK(parameter(payload.root, "charset") == "us-ascii");
    CHECK(parameter(payload.root, "hp") == "cipher");
}

TEST_CASE("header_protection: HP-Outer records each field left outside, with its outer value",
          "[header-protection]") {
    const auto outer = raw_fields(protect(sample("plain-rfc2047")).entity, "HP-Outer");
    CHECK(outer == std::vector<std::string>{
                       "HP-Outer: From: Alice <alice@example.net>\r\n",
                       "HP-Outer: To: Bob <bob@example.org>,\r\n Carol <carol@example.org>\r\n",
                       "HP-Outer: Subject: [...]\r\n",
                       "HP-Outer: Date: Mon, 01 Jan 2024 10:00:00 +0000\r\n",
                       "HP-Outer: Message-ID: <plain-rfc2047@example.net>\r\n",
                   });
}

TEST_CASE("header_protection: a text/plain body leads with the legacy display",
          "[header-protection]") {
    SECTION("UTF-8 text keeps its bytes after the display") {
        const std::string input = sample("raw-utf8-subject");
        const Payload payload(protect(input).entity);
        CHECK(parameter(payload.root, "hp-legacy-display") == "1");
        CHECK(parameter(payload.root, "charset") == "utf-8");
        CHECK(parameter(payload.root, "format") == "flowed");
        CHECK(decoded_content(payload.root) == "Subject: Gr\xC3\xBC\xC3\x9F"
                                               "e aus M\xC3\xBCnchen\r\n\r\n" +
                                                   crlf_from_lf(split_message(input).body));
    }
    SECTION("RFC 2047 fields are shown decoded, in the order received") {
        const Payload payload(protect(sample("plain-rfc2047")).entity);
        CHECK(parameter(payload.root, "hp-legacy-display") == "1");
        CHECK(parameter(payload.root, "charset") == "utf-8");
        CHECK(decoded_content(payload.root) ==
              "Subject: Gr\xC3\xBC\xC3\x9F"
              "e zum Quartal \xE2\x80\x93 <Q1> & more\r\n"
              "Comments: Internal only\r\n"
              "Keywords: budget, \xC3\xBC"
              "bersicht\r\n"
              "\r\n"
              "Hi Bob,\r\n\r\nthe numbers are in.\r\n\r\nAlice\r\n");
    }
    SECTION("an ASCII Subject keeps the part us-ascii") {
        const Payload payload(protect(sample("no-content-type")).entity);
        CHECK(parameter(payload.root, "hp-legacy-display") == "1");
        CHECK(decoded_content(payload.root) ==
              "Subject: Dinner plans\r\n\r\n"
              "Let's meet at Rama's Roti Shop at 8pm and go to the park\r\nfrom there.\r\n");
    }
}

TEST_CASE("header_protection: a text/html body gets the element after its body start tag",
          "[header-protection]") {
    const Payload payload(protect(sample("html")).entity);
    CHECK(parameter(payload.root, "hp-legacy-display") == "1");
    CHECK(parameter(payload.root, "charset") == "iso-8859-1");

    const std::string element = "\r\n" + kDisplayDiv +
                                "\r\n<pre>Subject: Dinner &lt;plans&gt; &amp; &quot;more&quot;"
                                "</pre>\r\n</div>\r\n";
    std::string html = decoded_content(payload.root);
    const auto at = html.find(element);
    REQUIRE(at != std::string::npos);
    CHECK(html.substr(0, at).ends_with("<body class=\"mail\" data-x=\"a>b\">"));
    CHECK(html.find(kDisplayDiv, at + element.size()) == std::string::npos);

    html.erase(at, element.size());
    const Payload original(sample("html", true));
    CHECK(html == decoded_content(original.root));
}

TEST_CASE("header_protection: every alternative gets the legacy display", "[header-protection]") {
    const Payload payload(protect(sample("alternative")).entity);
    CHECK(media_type(payload.root) == "multipart/alternative");

    GMimeObject* text = payload.part(0);
    CHECK(parameter(text, "hp-legacy-display") == "1");
    CHECK(parameter(text, "charset") == "utf-8"); // was iso-8859-1
    CHECK(decoded_content(text) == "Subject: \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE"
                                   "\xE4\xBB\xB6\xE5\x90\x8D\r\n\r\n"
                                   "Gr\xC3\xBC\xC3\x9F"
                                   "e, Bob.\r\n");

    GMimeObject* html = payload.part(1);
    CHECK(parameter(html, "hp-legacy-display") == "1");
    CHECK(decoded_content(html) ==
          "<html><body>\n" + kDisplayDiv +
              "\n<pre>Subject: &#26085;&#26412;&#35486;&#12398;&#20214;&#21517;</pre>\n</div>\n"
              "<p>Gr\xC3\xBC\xC3\x9F"
              "e, Bob.</p></body></html>\n");
}

TEST_CASE("header_protection: multipart/mixed keeps its structure and the attachment's bytes",
          "[header-protection]") {
    const std::string input = sample("mixed-attachment", true);
    const std::string entity = protect(input).entity;
    const Payload payload(entity);

    CHECK(media_type(payload.root) == "multipart/mixed");
    CHECK(parameter(payload.root, "boundary") == "=_mixed_42");
    REQUIRE(g_mime_multipart_get_count(GMIME_MULTIPART(payload.root)) == 2);

    GMimeObject* text = payload.part(0);
    CHECK(parameter(text, "hp-legacy-display") == "1");
    CHECK(decoded_content(text).starts_with("Subject: Das Protokoll (mit Anhang)\r\n\r\n"
                                            "Anbei das Protokoll."));

    GMimeObject* attachment = payload.part(1);
    CHECK(parameter(attachment, "hp-legacy-display").empty());
    CHECK(decoded_content(attachment) == read_data_file("engine/attachment.bin"));

    // The attachment part, header and encoded bytes, and the preamble, exactly as sent.
    const std::string body = split_message(input).body;
    const auto start = body.find("--=_mixed_42\r\nContent-Type: application/octet-stream");
    REQUIRE(start != std::string::npos);
    CHECK(entity.find(body.substr(start)) != std::string::npos);
    CHECK(split_message(entity).body.starts_with(
        "This is a multi-part message in MIME format.\r\n--=_mixed_42\r\n"));
}

TEST_CASE("header_protection: a main part without header fields gets its display too",
          "[header-protection]") {
    // Nothing tells where such a part's header section starts in the body, so
    // the body is written anew instead of the part being spliced in.
    const std::string input = "From: a@example.org\r\nSubject: Headerless\r\nMIME-Version: 1.0\r\n"
                              "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
                              "--b\r\n\r\nplain text without header fields\r\n"
                              "--b\r\nContent-Type: application/octet-stream\r\n"
                              "Content-Transfer-Encoding: base64\r\n\r\nAAECAw==\r\n--b--\r\n";
    const std::string entity = protect(input).entity;
    CHECK(all_line_ends_crlf(entity));
    const Payload payload(entity);
    REQUIRE(g_mime_multipart_get_count(GMIME_MULTIPART(payload.root)) == 2);
    CHECK(parameter(payload.part(0), "hp-legacy-display") == "1");
    CHECK(decoded_content(payload.part(0))
              .starts_with("Subject: Headerless\r\n\r\nplain text without header fields"));
    CHECK(decoded_content(payload.part(1)) == std::string("\x00\x01\x02\x03", 4));
}

TEST_CASE("header_protection: a signed message is left without header protection",
          "[header-protection]") {
    const std::string input = sample("signed");
    const auto payload = protect(input);
    CHECK_FALSE(payload.headers_protected);
    CHECK(payload.outer_changes.empty());
    CHECK(payload.entity == expected_entity(input));
}

TEST_CASE("header_protection: without a Subject nothing is hidden and the body is unchanged",
          "[header-protection]") {
    const std::string body = "Line one\n\xC3\xBC\n-- \nlast line without end";
    const auto payload = protect("From: Alice <alice@example.net>\n"
                                 "Date: Mon, 01 Jan 2024 10:00:00 +0000\n"
                                 "Content-Type: text/plain; charset=utf-8\n"
                                 "Content-Transfer-Encoding: 8bit\n"
                                 "\n" +
                                 body);
    CHECK(payload.headers_protected);
    CHECK(payload.outer_changes.empty());
    CHECK(payload.entity.ends_with("\r\n\r\n" + crlf_from_lf(body)));
    CHECK(payload.entity.find("hp-legacy-display") == std::string::npos);
    CHECK(raw_fields(payload.entity, "HP-Outer") ==
          std::vector<std::string>{"HP-Outer: From: Alice <alice@example.net>\r\n",
                                   "HP-Outer: Date: Mon, 01 Jan 2024 10:00:00 +0000\r\n"});
    CHECK(parameter(Payload(payload.entity).root, "hp") == "cipher");
}

TEST_CASE("header_protection: an encoded word cannot forge lines of the legacy display",
          "[header-protection]") {
    const auto payload = protect("From: Mallory <mallory@example.net>\n"
                                 "Subject: =?utf-8?q?Hello=0D=0A=0D=0AFrom:_Boss?=\n"
                                 "HP-Outer: Subject: forged\n"
                                 "Content-Type: text/plain; charset=us-ascii\n"
                                 "\n"
                                 "Pay the invoice.\n");
    const Payload inner(payload.entity);
    CHECK(decoded_content(inner.root) ==
          "Subject: Hello    From: Boss\r\n\r\nPay the invoice.\r\n");
    CHECK(raw_fields(payload.entity, "HP-Outer") ==
          std::vector<std::string>{"HP-Outer: From: Mallory <mallory@example.net>\r\n",
                                   "HP-Outer: Subject: [...]\r\n"});
}

TEST_CASE("header_protection: only main body text gets a legacy display", "[header-protection]") {
    SECTION("an image-only message: Subject hidden, body unchanged") {
        const std::string body = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk\n";
        const auto payload = protect("Subject: Holiday\n"
                                     "Content-Type: image/png\n"
                                     "Content-Transfer-Encoding: base64\n"
                                     "\n" +
                                     body);
        REQUIRE(payload.outer_changes.size() == 1);
        CHECK(same_change(payload.outer_changes.front(), {"Subject", "[...]"}));
        CHECK(payload.entity.ends_with("\r\n\r\n" + crlf_from_lf(body)));
        CHECK(payload.entity.find("hp-legacy-display") == std::string::npos);
    }
    SECTION("a text part marked as attachment is not a main body part") {
        const auto payload = protect("Subject: Notes\n"
                                     "Content-Type: multipart/mixed; boundary=b\n"
                                     "\n"
                                     "--b\n"
                                     "Content-Type: text/plain\n"
                                     "Content-Disposition: attachment; filename=notes.txt\n"
                                     "\n"
                                     "notes\n"
                                     "--b--\n");
        CHECK(payload.entity.find("hp-legacy-display") == std::string::npos);
        CHECK(payload.entity.find("\r\nnotes\r\n") != std::string::npos);
    }
}
