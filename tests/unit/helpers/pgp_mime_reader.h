// pgp_mime_reader.h - what a mail client sees in a PGP/MIME message.
//
// Reads a whole message with GMime (not with the core) and reports its top
// type, protocol parameter and the decoded leaf parts, so tests can check the
// RFC 3156 structure and pull out the armor to decrypt.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mailveil::test {

struct SeenPart {
    std::string media_type; // lower case
    std::string content;    // transfer-decoded
};

struct SeenMessage {
    std::string media_type;      // of the top part, lower case
    std::string protocol;        // its protocol parameter, "" if none
    std::vector<SeenPart> parts; // direct children when the top part is a multipart
};

SeenMessage read_as_client(std::string_view message);

} // namespace mailveil::test
