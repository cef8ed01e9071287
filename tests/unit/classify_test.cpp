// Is a message already encrypted? (mime/classify.h) Each sample in
// tests/data/classify is parsed and classified, with LF and with CRLF line ends;
// is_inline_pgp_message is also checked on bare text.
#include "helpers/raw_message.h"
#include "helpers/test_env.h"
#include "mime/classify.h"
#include "mime/parsed_message.h"

#include <catch2/catch.hpp>

#include <string>

using namespace mailveil::mime;
using mailveil::test::crlf_from_lf;
using mailveil::test::read_data_file;

namespace {

EncryptionForm classify_file(const std::string& name, bool crlf) {
    std::string bytes = read_data_file("classify/" + name);
    if (crlf) {
        bytes = crlf_from_lf(bytes);
    }
    return existing_encryption(ParsedMessage::parse(std::move(bytes)));
}

} // namespace

TEST_CASE("classify: multipart/encrypted is PGP/MIME", "[classify]") {
    const bool crlf = GENERATE(false, true);
    CHECK(classify_file("pgp-mime.eml", crlf) == EncryptionForm::PgpMime);
}

TEST_CASE("classify: application/pkcs7-mime is S/MIME", "[classify]") {
    const bool crlf = GENERATE(false, true);
    CHECK(classify_file("smime.eml", crlf) == EncryptionForm::Smime);
}

TEST_CASE("classify: application/x-pkcs7-mime is S/MIME", "[classify]") {
    const bool crlf = GENERATE(false, true);
    CHECK(classify_file("smime-x.eml", crlf) == EncryptionForm::Smime);
}

TEST_CASE("classify: text opening with an inline PGP message is inline PGP", "[classify]") {
    const std::string file =
        GENERATE(as<std::string>{}, "inline-pgp.eml", "inline-pgp-base64.eml", "inline-pgp-qp.eml");
    const bool crlf = GENERATE(false, true);
    CAPTURE(file, crlf);
    CHECK(classify_file(file, crlf) == EncryptionForm::InlinePgp);
}

TEST_CASE("classify: messages that are not encrypted", "[classify]") {
    const std::string file = GENERATE(as<std::string>{}, "plain.eml", "no-mime-headers.eml",
                                      "quoted-pgp-block.eml", "inline-pgp-unclosed.eml",
                                      "clearsigned.eml", "octet-stream-armor.eml", "signed.eml");
    const bool crlf = GENERATE(false, true);
    CAPTURE(file, crlf);
    CHECK(classify_file(file, crlf) == EncryptionForm::None);
}

TEST_CASE("classify: inline PGP inside multipart/mixed does not count", "[classify]") {
    // By design (classify.h): the other parts would still travel in clear.
    const bool crlf = GENERATE(false, true);
    CHECK(classify_file("mixed-with-inline-pgp.eml", crlf) == EncryptionForm::None);
}

TEST_CASE("is_inline_pgp_message needs the opening line first and a closing line later",
          "[classify]") {
    const std::string begin = "-----BEGIN PGP MESSAGE-----";
    const std::string end = "-----END PGP MESSAGE-----";
    CHECK(is_inline_pgp_message(begin + "\n\nhQEM\n" + end + "\n"));
    CHECK(is_inline_pgp_message("\n \t\n" + begin + "\nhQEM\n" + end));
    CHECK(is_inline_pgp_message(begin + "  \r\nhQEM\r\n" + end + "\r\n"));

    CHECK_FALSE(is_inline_pgp_message(""));
    CHECK_FALSE(is_inline_pgp_message("\n\n"));
    CHECK_FALSE(is_inline_pgp_message(begin + "\nhQEM\n"));
    CHECK_FALSE(is_inline_pgp_message("Hi,\n" + begin + "\nhQEM\n" + end + "\n"));
    CHECK_FALSE(is_inline_pgp_message(begin + "X\nhQEM\n" + end + "\n"));
    CHECK_FALSE(is_inline_pgp_message("-----BEGIN PGP SIGNED MESSAGE-----\nx\n" + end + "\n"));
    CHECK_FALSE(is_inline_pgp_message(begin + "\n" + end + "X\n"));
}

TEST_CASE("to_string names every encryption form", "[classify]") {
    CHECK(to_string(EncryptionForm::None) == "none");
    CHECK(to_string(EncryptionForm::PgpMime) == "pgp-mime");
    CHECK(to_string(EncryptionForm::Smime) == "smime");
    CHECK(to_string(EncryptionForm::InlinePgp) == "inline-pgp");
}
