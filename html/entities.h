// entities.h - named character references, decoded before libxml2 sees them.
//
// libxml2 looks every "&name;" up by walking its table of 253 HTML 4
// entities. Where the prepass knows the parser would decode a reference
// (text between tags, attribute values of plain tags: attributes.h), it
// writes the character instead. Only references libxml2 itself would decode
// are touched (its own table, the name ended by ';', case as written), and
// only those that stand for a character outside ASCII: "&amp;", "&lt;",
// "&gt;", "&quot;" and "&apos;" stay, since their characters mean markup.
//
// Never fails.
#pragma once

#include <string>
#include <string_view>

namespace mailveil::html {

// Appends `text` to `out` with those references decoded to UTF-8.
void append_decoded(std::string& out, std::string_view text);

} // namespace mailveil::html
