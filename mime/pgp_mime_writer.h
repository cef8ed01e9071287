// pgp_mime_writer.h - the multipart/encrypted body of RFC 3156, section 4.
//
// Given the ASCII-armored OpenPGP message, builds (with GMime) the two-part
// multipart/encrypted entity: an application/pgp-encrypted control part
// ("Version: 1") and an application/octet-stream part holding the armor.
// Returns the value for the outer Content-Type header and the body to put
// under it; the caller owns the rest of the outer header section.
#pragma once

#include <string>
#include <string_view>

namespace mailveil::mime {

struct EncryptedBody {
    std::string content_type; // header value, e.g. multipart/encrypted; protocol=...; boundary=...
    std::string body;         // preamble, both parts, closing boundary
};

EncryptedBody write_pgp_mime_body(std::string_view armored_ciphertext, bool crlf);

// The same body around an armor written elsewhere (a spool file): the body is
// before + the armor (its line ends those of the message) + after.
struct EncryptedFrame {
    std::string content_type;
    std::string before;
    std::string after;
};

EncryptedFrame write_pgp_mime_frame(bool crlf);

} // namespace mailveil::mime
