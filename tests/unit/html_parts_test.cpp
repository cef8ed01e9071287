// rewrite_html() (mime/html_parts.h): one small message per rule - HTML-only
// mail in text and alternative mode, an existing text/plain alternative kept
// byte for byte and its HTML sibling dropped, attachments and signed parts left
// alone, charsets, quoted-printable output that decodes to the converter's
// text, header fields kept byte for byte (LF and CRLF), nested multiparts and
// multipart/related.
#include "helpers/gmime_view.h"
#include "helpers/raw_message.h"
#include "html/html_to_text.h"
#include "mime/html_parts.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using mailveil::mime::HtmlMode;
using mailveil::mime::HtmlOptions;
using mailveil::mime::ParsedMessage;
using namespace mailveil::test;

namespace {

// Header fields no rewrite may touch: folding, raw UTF-8, no space after the colon.
const std::string kFields = "Received: from a.example\n"
                            "\tby b.example; Mon, 01 Jan 2024 10:00:01 +0000\n"
                            "From: Alice <alice@example.net>\n"
                            "To: bob@example.org\n"
                            "Subject: Gr\xC3\xBC\xC3\x9F"
                            "e\n"
                            "X-Tight:value\n"
                            "MIME-Version: 1.0\n";

std::optional<std::string> rewrite(const std::string& message, HtmlMode mode, bool flowed = false) {
    HtmlOptions options;
    options.mode = mode;
    options.flowed = flowed;
    return mailveil::mime::rewrite_html(ParsedMessage::parse(message), options);
}

std::string rewritten(const std::string& message, HtmlMode mode, bool flowed = false) {
    auto out = rewrite(message, mode, flowed);
    REQUIRE(out.has_value());
    return *out;
}

struct Viewed {
    explicit Viewed(const std::string& bytes)
        : message(gmime_parse(bytes)), root(g_mime_message_get_mime_part(message.get())) {}

    GMimeObject* part(std::initializer_list<int> path) const {
        GMimeObject* object = root;
        for (const int index : path) {
            REQUIRE(GMIME_IS_MULTIPART(object));
            REQUIRE(index < g_mime_multipart_get_count(GMIME_MULTIPART(object)));
            object = g_mime_multipart_get_part(GMIME_MULTIPART(object), index);
        }
        return object;
    }

    int count(std::initializer_list<int> path) const {
        GMimeObject* object = part(path);
        REQUIRE(GMIME_IS_MULTIPART(object));
        return g_mime_multipart_get_count(GMIME_MULTIPART(object));
    }

    mailveil::mime::GObjectPtr<GMimeMessage> message;
    GMimeObject* root;
};

std::string parameter(GMimeObject* object, const char* name) {
    const char* value = g_mime_object_get_content_type_parameter(object, name);
    return value != nullptr ? value : "";
}

std::string header(GMimeObject* object, const char* name) {
    const char* value = g_mime_object_get_header(object, name);
    return value != nullptr ? value : "";
}

std::string text_of(const std::string& html, const std::string& charset = "") {
    return mailveil::html::to_text(html, charset);
}

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

const std::string kHtmlPart = "Content-Type: text/html; charset=utf-8\n"
                              "Content-Transfer-Encoding: 8bit\n"
                              "\n"
                              "<html><body><p>Hello <b>Bob</b>,</p><p>see "
                              "<a href=\"https://example.org/x\">the page</a>.</p></body></html>\n";
const std::string kHtml = "<html><body><p>Hello <b>Bob</b>,</p><p>see "
                          "<a href=\"https://example.org/x\">the page</a>.</p></body></html>\n";
const std::string kPlainPart = "Content-Type: text/plain; charset=us-ascii\n"
                               "Content-Disposition: inline\n"
                               "\n"
                               "Hello Bob, the sender's own text.\n";

std::string alternative(const std::string& boundary, const std::vector<std::string>& parts) {
    std::string out = "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\n\n";
    for (const auto& part : parts) {
        out += "--" + boundary + "\n" + part;
    }
    return out + "--" + boundary + "--\n";
}

std::string multipart(const std::string& subtype, const std::string& boundary,
                      const std::vector<std::string>& parts, const std::string& extra = "") {
    std::string out =
        "Content-Type: multipart/" + subtype + "; boundary=\"" + boundary + "\"" + extra + "\n\n";
    for (const auto& part : parts) {
        out += "--" + boundary + "\n" + part;
    }
    return out + "--" + boundary + "--\n";
}

const std::string kImagePart = "Content-Type: image/png\n"
                               "Content-ID: <logo@example>\n"
                               "Content-Transfer-Encoding: base64\n"
                               "\n"
                               "iVBORw0KGgo=\n";
const std::string kPdfPart = "Content-Type: application/pdf; name=\"a.pdf\"\n"
                             "Content-Disposition: attachment; filename=\"a.pdf\"\n"
                             "Content-Transfer-Encoding: base64\n"
                             "\n"
                             "JVBERi0xLjQK\n";

} // namespace

TEST_CASE("html modes have configuration names", "[html-parts]") {
    using mailveil::mime::html_mode_name;
    using mailveil::mime::parse_html_mode;
    CHECK(parse_html_mode("keep") == HtmlMode::Keep);
    CHECK(parse_html_mode("text") == HtmlMode::Text);
    CHECK(parse_html_mode("alternative") == HtmlMode::Alternative);
    CHECK_FALSE(parse_html_mode("Text").has_value());
    CHECK_FALSE(parse_html_mode("").has_value());
    CHECK(html_mode_name(HtmlMode::Alternative) == "alternative");
}

TEST_CASE("an HTML-only message becomes one text/plain part in text mode", "[html-parts]") {
    const std::string out = rewritten(kFields + kHtmlPart, HtmlMode::Text);
    CHECK(out == kFields + "Content-Type: text/plain; charset=utf-8\n"
                           "Content-Transfer-Encoding: 7bit\n"
                           "\n"
                           "Hello Bob,\n"
                           "\n"
                           "see the page [1].\n"
                           "\n"
                           "[1] https://example.org/x\n");
    CHECK(contains(out, text_of(kHtml, "utf-8")));
}

TEST_CASE("keep mode and messages without HTML are left alone", "[html-parts]") {
    CHECK_FALSE(rewrite(kFields + kHtmlPart, HtmlMode::Keep).has_value());
    CHECK_FALSE(rewrite(kFields + kPlainPart, HtmlMode::Text).has_value());
    CHECK_FALSE(rewrite(kFields + kPlainPart, HtmlMode::Alternative).has_value());
    CHECK_FALSE(rewrite(kFields + "\nno content type at all\n", HtmlMode::Text).has_value());
}

TEST_CASE("text mode keeps the text/plain alternative byte for byte and drops the HTML",
          "[html-parts]") {
    const std::string out =
        rewritten(kFields + alternative("b1", {kPlainPart, kHtmlPart}), HtmlMode::Text);
    // The alternative of one is collapsed: the text/plain part is the message body.
    CHECK(out == kFields + kPlainPart);
}

TEST_CASE("text mode keeps an alternative that still offers a choice", "[html-parts]") {
    const std::string calendar = "Content-Type: text/calendar; method=REQUEST\n"
                                 "\n"
                                 "BEGIN:VCALENDAR\nEND:VCALENDAR\n";
    const std::string out =
        rewritten(kFields + alternative("b1", {kPlainPart, kHtmlPart, calendar}), HtmlMode::Text);
    CHECK(out == kFields + alternative("b1", {kPlainPart, calendar}));
}

TEST_CASE("text mode converts an HTML-only alternative in place", "[html-parts]") {
    const std::string watch = "Content-Type: text/watch-html\n\n<b>Hi</b>\n";
    const Viewed out(rewritten(kFields + alternative("b1", {watch, kHtmlPart}), HtmlMode::Text));
    REQUIRE(out.count({}) == 2);
    CHECK(media_type(out.part({1})) == "text/plain");
    CHECK(decoded_content(out.part({1})) == text_of(kHtml, "utf-8"));
}

TEST_CASE("alternative mode gives HTML-only mail a text/plain sibling", "[html-parts]") {
    const bool crlf = GENERATE(false, true);
    const auto eol = [crlf](const std::string& text) { return crlf ? crlf_from_lf(text) : text; };
    const std::string out = rewritten(eol(kFields + kHtmlPart), HtmlMode::Alternative);
    CHECK(out.starts_with(eol(kFields + "Content-Type: multipart/alternative; boundary=")));
    CHECK(all_line_ends_crlf(out) == crlf);

    const Viewed view(out);
    REQUIRE(media_type(view.root) == "multipart/alternative");
    REQUIRE(view.count({}) == 2);
    GMimeObject* text = view.part({0});
    CHECK(media_type(text) == "text/plain");
    CHECK(parameter(text, "charset") == "utf-8");
    CHECK(decoded_content(text) == eol(text_of(kHtml, "utf-8")));
    // The HTML part is the original entity, header fields and bytes.
    CHECK(contains(out, eol(kHtmlPart)));
    CHECK(media_type(view.part({1})) == "text/html");
}

TEST_CASE("alternative mode leaves existing alternatives alone", "[html-parts]") {
    CHECK_FALSE(rewrite(kFields + alternative("b1", {kPlainPart, kHtmlPart}), HtmlMode::Alternative)
                    .has_value());
}

TEST_CASE("HTML attachments are never converted", "[html-parts]") {
    const std::string attached = "Content-Type: text/html; name=\"page.html\"\n"
                                 "Content-Disposition: attachment; filename=\"page.html\"\n"
                                 "\n"
                                 "<p>a file</p>\n";
    const std::string message = kFields + multipart("mixed", "m1", {kPlainPart, attached});
    CHECK_FALSE(rewrite(message, HtmlMode::Text).has_value());
    CHECK_FALSE(rewrite(message, HtmlMode::Alternative).has_value());
    CHECK_FALSE(rewrite(kFields + attached, HtmlMode::Text).has_value());
}

TEST_CASE("a signed message is left alone", "[html-parts]") {
    const std::string signature = "Content-Type: application/pgp-signature\n\nsig\n";
    const std::string message =
        kFields + multipart("signed", "s1", {kHtmlPart, signature},
                            "; protocol=\"application/pgp-signature\"; micalg=pgp-sha256");
    CHECK_FALSE(rewrite(message, HtmlMode::Text).has_value());
    CHECK_FALSE(rewrite(message, HtmlMode::Alternative).has_value());
}

TEST_CASE("the part's charset reaches the converter", "[html-parts]") {
    // windows-1252 bytes, quoted-printable: "Grüße – ok" (ü=FC, ß=DF, en dash=96).
    const std::string html = "<p>Gr=FC=DFe =96 ok</p>\n";
    const std::string part = "Content-Type: text/html; charset=windows-1252\n"
                             "Content-Transfer-Encoding: quoted-printable\n"
                             "\n" +
                             html;
    const Viewed out(rewritten(kFields + part, HtmlMode::Text));
    CHECK(media_type(out.root) == "text/plain");
    CHECK(parameter(out.root, "charset") == "utf-8");
    CHECK(header(out.root, "Content-Transfer-Encoding") == "quoted-printable");
    CHECK(decoded_content(out.root) == "Gr\xC3\xBC\xC3\x9F"
                                       "e \xE2\x80\x93 ok\n");
}

TEST_CASE("quoted-printable output decodes to the converter's text", "[html-parts]") {
    const std::string html =
        "<p>\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E and caf\xC3\xA9, a long paragraph that the "
        "converter wraps at the width it is given, with a link to "
        "<a href=\"https://example.org/a/very/long/path/that/never/breaks/even/past/seventy-"
        "eight/columns\">here</a>.</p><blockquote>quoted =3D text</blockquote>\n";
    const std::string part = "Content-Type: text/html; charset=utf-8\n\n" + html;
    const bool flowed = GENERATE(false, true);
    const std::string out = rewritten(kFields + part, HtmlMode::Text, flowed);
    const Viewed view(out);
    CHECK(header(view.root, "Content-Transfer-Encoding") == "quoted-printable");
    mailveil::html::Options options;
    options.flowed = flowed;
    CHECK(decoded_content(view.root) == mailveil::html::to_text(html, "utf-8", options));
    CHECK(parameter(view.root, "format") == (flowed ? "flowed" : ""));
    CHECK(parameter(view.root, "delsp") == (flowed ? "yes" : ""));
    // Quoted-printable keeps every encoded line within 76 characters.
    const auto body = out.substr(out.find("\n\n") + 2);
    std::size_t start = 0;
    for (std::size_t end; (end = body.find('\n', start)) != std::string::npos; start = end + 1) {
        CHECK(end - start <= 76);
    }
}

TEST_CASE("header fields stay byte for byte, with the message's line ends", "[html-parts]") {
    const bool crlf = GENERATE(false, true);
    const std::string lf_message = "Received: from a.example\n"
                                   "\tby b.example\n"
                                   "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\n"
                                   " folded\n"
                                   "Content-Type: text/html;\n"
                                   "  charset=\"utf-8\"\n"
                                   "X-Between:value\n"
                                   "Content-Transfer-Encoding: 7bit\n"
                                   "X-Last: \xC3\xBC\n"
                                   "\n"
                                   "<p>x</p>\n";
    const std::string message = crlf ? crlf_from_lf(lf_message) : lf_message;
    const std::string expected_fields = "Received: from a.example\n"
                                        "\tby b.example\n"
                                        "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\n"
                                        " folded\n"
                                        "X-Between:value\n"
                                        "X-Last: \xC3\xBC\n"
                                        "MIME-Version: 1.0\n"
                                        "Content-Type: text/plain; charset=utf-8\n"
                                        "Content-Transfer-Encoding: 7bit\n"
                                        "\n"
                                        "x\n";
    const std::string out = rewritten(message, HtmlMode::Text);
    CHECK(out == (crlf ? crlf_from_lf(expected_fields) : expected_fields));
}

TEST_CASE("nested multiparts: the HTML alternative goes, the rest stays", "[html-parts]") {
    const std::string related = multipart("related", "r1", {kHtmlPart, kImagePart});
    const std::string inner = alternative("a1", {kPlainPart, related});
    const std::string message = kFields + multipart("mixed", "m1", {inner, kPdfPart});
    const std::string out = rewritten(message, HtmlMode::Text);
    CHECK(out == kFields + multipart("mixed", "m1", {kPlainPart, kPdfPart}));
}

TEST_CASE("nested multiparts: an HTML part deep inside is converted", "[html-parts]") {
    const std::string inner = multipart("mixed", "m2", {kHtmlPart, kPdfPart});
    const std::string message = kFields + multipart("mixed", "m1", {kPlainPart, inner});
    const Viewed text(rewritten(message, HtmlMode::Text));
    CHECK(media_type(text.part({1, 0})) == "text/plain");
    CHECK(decoded_content(text.part({1, 0})) == text_of(kHtml, "utf-8"));
    CHECK(media_type(text.part({1, 1})) == "application/pdf");

    const std::string out = rewritten(message, HtmlMode::Alternative);
    const Viewed alt(out);
    CHECK(media_type(alt.part({1, 0})) == "multipart/alternative");
    CHECK(media_type(alt.part({1, 0, 0})) == "text/plain");
    CHECK(media_type(alt.part({1, 0, 1})) == "text/html");
    CHECK(contains(out, kHtmlPart));
    CHECK(contains(out, kPdfPart));
}

TEST_CASE("multipart/related becomes its root as text, inline images dropped", "[html-parts]") {
    const std::string message = kFields + multipart("related", "r1", {kHtmlPart, kImagePart});
    const std::string out = rewritten(message, HtmlMode::Text);
    CHECK(out == kFields +
                     "Content-Type: text/plain; charset=utf-8\n"
                     "Content-Transfer-Encoding: 7bit\n"
                     "\n" +
                     text_of(kHtml, "utf-8"));
}

TEST_CASE("multipart/related: the start parameter names the root", "[html-parts]") {
    const std::string root = "Content-ID: <root@example>\n" + kHtmlPart;
    const std::string message =
        kFields + multipart("related", "r1", {kImagePart, root},
                            "; type=\"text/html\"; start=\"<root@example>\"");
    const Viewed out(rewritten(message, HtmlMode::Text));
    CHECK(media_type(out.root) == "text/plain");
    CHECK(decoded_content(out.root) == text_of(kHtml, "utf-8"));
}

TEST_CASE("multipart/related keeps its attachments beside the text", "[html-parts]") {
    const std::string message =
        kFields + multipart("related", "r1", {kHtmlPart, kImagePart, kPdfPart});
    const std::string out = rewritten(message, HtmlMode::Text);
    const Viewed view(out);
    REQUIRE(media_type(view.root) == "multipart/mixed");
    REQUIRE(view.count({}) == 2);
    CHECK(media_type(view.part({0})) == "text/plain");
    CHECK(contains(out, kPdfPart));
    CHECK_FALSE(contains(out, "image/png"));
}

TEST_CASE("multipart/related around an alternative loses its images with the HTML",
          "[html-parts]") {
    const std::string inner = alternative("a1", {kPlainPart, kHtmlPart});
    const std::string message = kFields + multipart("related", "r1", {inner, kImagePart});
    CHECK(rewritten(message, HtmlMode::Text) == kFields + kPlainPart);
}

TEST_CASE("alternative mode offers the related container beside the text", "[html-parts]") {
    const std::string related = multipart("related", "r1", {kHtmlPart, kImagePart});
    const std::string out = rewritten(kFields + related, HtmlMode::Alternative);
    const Viewed view(out);
    REQUIRE(media_type(view.root) == "multipart/alternative");
    CHECK(media_type(view.part({0})) == "text/plain");
    CHECK(decoded_content(view.part({0})) == text_of(kHtml, "utf-8"));
    CHECK(media_type(view.part({1})) == "multipart/related");
    CHECK(contains(out, related));
}

TEST_CASE("nesting is followed up to a bound, beyond it nothing is rewritten", "[html-parts]") {
    const auto nested = [](int depth) {
        std::string body = kHtmlPart;
        for (int i = depth; i > 0; --i) {
            body = multipart("mixed", "n" + std::to_string(i), {body});
        }
        return kFields + body;
    };
    const auto shallow = rewrite(nested(20), HtmlMode::Text);
    REQUIRE(shallow.has_value());
    CHECK_FALSE(contains(*shallow, "text/html"));
    CHECK(contains(*shallow, text_of(kHtml, "utf-8")));
    CHECK_FALSE(rewrite(nested(200), HtmlMode::Text).has_value());
    CHECK_FALSE(rewrite(nested(200), HtmlMode::Alternative).has_value());
}
