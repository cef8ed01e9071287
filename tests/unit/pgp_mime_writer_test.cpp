// The RFC 3156 multipart/encrypted body (mime/pgp_mime_writer.h), read back
// with GMime: its two parts, the bare Content-Type value, and line ends that
// follow the requested form.
#include "helpers/pgp_mime_reader.h"
#include "helpers/raw_message.h"
#include "mime/gmime_handles.h"
#include "mime/gmime_runtime.h"
#include "mime/pgp_mime_writer.h"

#include <catch2/catch.hpp>

#include <string>

using mailveil::mime::write_pgp_mime_body;
using namespace mailveil::test;

namespace {

const std::string kArmor = "-----BEGIN PGP MESSAGE-----\n"
                           "\n"
                           "hF4DTdDN2ZajSZcSAQdAq3k8ChP0yV7wWm7x1VbX2gVJtgLr6vT1FHQ6r0cOaGUw\n"
                           "=Xq3Z\n"
                           "-----END PGP MESSAGE-----\n";

std::string without_cr_before_lf(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (!(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
            out.push_back(text[i]);
        }
    }
    return out;
}

std::string boundary_of(const std::string& content_type) {
    mailveil::mime::ensure_gmime_initialized();
    auto type = mailveil::mime::adopt(g_mime_content_type_parse(nullptr, content_type.c_str()));
    REQUIRE(type);
    const char* boundary = g_mime_content_type_get_parameter(type.get(), "boundary");
    return boundary != nullptr ? boundary : "";
}

} // namespace

TEST_CASE("writer: Content-Type names multipart/encrypted with protocol and boundary",
          "[pgp-mime-writer]") {
    const auto written = write_pgp_mime_body(kArmor, false);
    const std::string& type = written.content_type;
    CHECK(type.rfind("multipart/encrypted;", 0) == 0);
    CHECK(type.find("protocol=\"application/pgp-encrypted\"") != std::string::npos);
    CHECK(type.find("boundary=") != std::string::npos);
    // A bare value for libmilter: no folding, no line end, no leading blank.
    CHECK(type.find_first_of("\r\n") == std::string::npos);
    CHECK(type.front() != ' ');
}

TEST_CASE("writer: the body reads back as the two RFC 3156 parts", "[pgp-mime-writer]") {
    const bool crlf = GENERATE(false, true);
    CAPTURE(crlf);
    const std::string eol = crlf ? "\r\n" : "\n";
    const auto written = write_pgp_mime_body(kArmor, crlf);
    const auto seen =
        read_as_client("Content-Type: " + written.content_type + eol + eol + written.body);

    CHECK(seen.media_type == "multipart/encrypted");
    CHECK(seen.protocol == "application/pgp-encrypted");
    REQUIRE(seen.parts.size() == 2);
    CHECK(seen.parts[0].media_type == "application/pgp-encrypted");
    CHECK(seen.parts[0].content.find("Version: 1") != std::string::npos);
    CHECK(seen.parts[1].media_type == "application/octet-stream");
    CHECK(without_cr_before_lf(seen.parts[1].content) == kArmor);
}

TEST_CASE("writer: line ends in the body follow the requested form", "[pgp-mime-writer]") {
    const auto lf = write_pgp_mime_body(kArmor, false);
    CHECK(lf.body.find('\r') == std::string::npos);

    const auto crlf = write_pgp_mime_body(kArmor, true);
    CHECK(all_line_ends_crlf(crlf.body));
    CHECK(crlf.body.find('\n') != std::string::npos);
}

TEST_CASE("writer: each body gets a fresh boundary", "[pgp-mime-writer]") {
    const auto first = write_pgp_mime_body(kArmor, false);
    const auto second = write_pgp_mime_body(kArmor, false);
    CHECK_FALSE(boundary_of(first.content_type).empty());
    CHECK(boundary_of(first.content_type) != boundary_of(second.content_type));
}

TEST_CASE("writer: the body ends with the closing boundary", "[pgp-mime-writer]") {
    const auto written = write_pgp_mime_body(kArmor, false);
    const std::string boundary = boundary_of(written.content_type);
    REQUIRE_FALSE(boundary.empty());
    const std::string closing = "--" + boundary + "--";
    const auto at = written.body.rfind(closing);
    REQUIRE(at != std::string::npos);
    CHECK(written.body.find_first_not_of("\r\n", at + closing.size()) == std::string::npos);
    CHECK(kArmor.find(boundary) == std::string::npos);
}
