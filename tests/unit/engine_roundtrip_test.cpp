// Decrypting what the Engine wrote gives back exactly the original MIME entity
// (RFC 3156): the Content-* fields as received, an empty line and the body,
// all with CRLF line ends - including binary attachments and signed messages.
// With header protection (the default) it gives back the RFC 9788 payload of
// mime/header_protection.h, whose own tests check its bytes.
#include "helpers/engine_run.h"
#include "helpers/gmime_view.h"
#include "helpers/raw_message.h"
#include "helpers/test_env.h"
#include "mime/header_protection.h"
#include "mime/line_endings.h"

#include <catch2/catch.hpp>

#include <string>

using namespace mailveil::test;

TEST_CASE("roundtrip: decryption gives exactly the original entity", "[engine][roundtrip]") {
    const std::string file = GENERATE(
        as<std::string>{}, "engine/plain-utf8.eml", "engine/mixed-attachment.eml",
        "engine/signed.eml", "engine/no-content-headers.eml", "classify/mixed-with-inline-pgp.eml");
    const bool crlf = GENERATE(false, true);
    CAPTURE(file, crlf);
    std::string input = read_data_file(file);
    if (crlf) {
        input = crlf_from_lf(input);
    }
    const auto run = encrypt_with_engine(input, {"bob@example.org"}, false);
    CHECK(run.decrypted.plaintext == expected_entity(input));
    CHECK(all_line_ends_crlf(run.decrypted.plaintext));
}

TEST_CASE("roundtrip: with header protection, decryption gives the RFC 9788 payload",
          "[engine][roundtrip]") {
    const std::string file =
        GENERATE(as<std::string>{}, "engine/plain-utf8.eml", "engine/mixed-attachment.eml",
                 "engine/signed.eml", "engine/no-content-headers.eml");
    const bool crlf = GENERATE(false, true);
    CAPTURE(file, crlf);
    std::string input = read_data_file(file);
    if (crlf) {
        input = crlf_from_lf(input);
    }
    const auto run = encrypt_with_engine(input, {"bob@example.org"});
    const auto payload = mailveil::mime::protect_headers(mailveil::mime::ParsedMessage::parse(input));
    CHECK(run.decrypted.plaintext == payload.entity);
    CHECK(all_line_ends_crlf(run.decrypted.plaintext));
    if (file == "engine/signed.eml") {
        CHECK(run.decrypted.plaintext == expected_entity(input));
    } else {
        // the inner header section carries the original Subject byte for byte
        const auto inner = split_message(run.decrypted.plaintext);
        const auto outer = split_message(input);
        const auto subject = [](const RawMessage& m) {
            for (const auto& field : m.fields) {
                if (field.name == "Subject") {
                    return field.raw;
                }
            }
            return std::string();
        };
        CHECK(!subject(outer).empty());
        CHECK(mailveil::mime::to_crlf(subject(inner)) == mailveil::mime::to_crlf(subject(outer)));
        CHECK(run.decrypted.plaintext.find("hp=cipher") != std::string::npos);
    }
}

TEST_CASE("roundtrip: CRLF input comes back byte for byte", "[engine][roundtrip]") {
    // No line-end conversion can blur this one: Content fields + CRLF + body.
    const std::string input = crlf_from_lf(read_data_file("engine/mixed-attachment.eml"));
    const auto run = encrypt_with_engine(input, {"bob@example.org"}, false);
    const std::string content_fields = "Content-Type: multipart/mixed; boundary=\"=_mixed_42\"\r\n";
    const std::string body = input.substr(input.find("\r\n\r\n") + 4);
    CHECK(run.decrypted.plaintext == content_fields + "\r\n" + body);
}

TEST_CASE("roundtrip: a binary attachment and an 8bit UTF-8 text survive", "[engine][roundtrip]") {
    const bool crlf = GENERATE(false, true);
    CAPTURE(crlf);
    std::string input = read_data_file("engine/mixed-attachment.eml");
    if (crlf) {
        input = crlf_from_lf(input);
    }
    const auto run = encrypt_with_engine(input, {"bob@example.org"});

    const auto entity = gmime_parse(run.decrypted.plaintext);
    GMimeObject* top = g_mime_message_get_mime_part(entity.get());
    REQUIRE(GMIME_IS_MULTIPART(top));
    REQUIRE(g_mime_multipart_get_count(GMIME_MULTIPART(top)) == 2);
    GMimeObject* text = g_mime_multipart_get_part(GMIME_MULTIPART(top), 0);
    GMimeObject* attachment = g_mime_multipart_get_part(GMIME_MULTIPART(top), 1);

    CHECK(decoded_content(text).find("Gr\xC3\xBC\xC3\x9F"
                                     "e, Alice \xE2\x80\x94 \xE2\x9C\x93") != std::string::npos);
    CHECK(decoded_content(attachment) == read_data_file("engine/attachment.bin"));
}

TEST_CASE("roundtrip: multipart/signed is encrypted whole", "[engine][roundtrip]") {
    const std::string input = read_data_file("engine/signed.eml");
    const auto run = encrypt_with_engine(input, {"bob@example.org"});

    const auto entity = gmime_parse(run.decrypted.plaintext);
    GMimeObject* top = g_mime_message_get_mime_part(entity.get());
    CHECK(media_type(top) == "multipart/signed");
    REQUIRE(GMIME_IS_MULTIPART(top));
    REQUIRE(g_mime_multipart_get_count(GMIME_MULTIPART(top)) == 2);
    GMimeObject* signature = g_mime_multipart_get_part(GMIME_MULTIPART(top), 1);
    CHECK(media_type(signature) == "application/pgp-signature");
    CHECK(decoded_content(signature).find("-----BEGIN PGP SIGNATURE-----") != std::string::npos);
}
