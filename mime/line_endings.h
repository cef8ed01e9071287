// line_endings.h - conversions between LF and CRLF line ends.
//
// OpenPGP/MIME signs and encrypts the canonical form of an entity (CRLF line
// ends, RFC 3156 section 3); mail on stdin usually has LF. Bare CRs are left
// alone: they are data, not line ends.
#pragma once

#include <string>
#include <string_view>

namespace mailveil::mime {

std::string to_crlf(std::string_view text);
// The same, returning text itself when it has no bare LF (no copy).
std::string to_crlf_reusing(std::string text);
std::string to_lf(std::string_view text);

// True when the first line end in text is CRLF.
bool first_line_end_is_crlf(std::string_view text);

} // namespace mailveil::mime
