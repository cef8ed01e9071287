// raw_message.h - a deliberately naive reading of message bytes, as a test oracle.
//
// Splits the header section into fields by looking at line starts only (a line
// starting with space or tab continues the previous field), independently of
// GMime and of mime/parsed_message, so their results can be checked against it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mailveil::test {

struct RawField {
    std::string name;
    std::string raw; // name, colon, value, folding and line end, as in the input
};

struct RawMessage {
    std::vector<RawField> fields;
    std::string body; // everything after the empty line ending the header section
};

RawMessage split_message(std::string_view bytes);

// "Content-*" by name, case-insensitively.
bool names_content_field(std::string_view name);

// The RFC 3156 payload for a message: its Content-* fields, an empty line and
// the body, with every line end made CRLF.
std::string expected_entity(std::string_view message);

// Text with LF line ends turned into CRLF; the input must have no CR at all.
std::string crlf_from_lf(std::string_view text);

// True when every LF in text is preceded by CR.
bool all_line_ends_crlf(std::string_view text);

} // namespace mailveil::test
