// wrap.h - fill lines to a width by the Unicode line breaking rules.
//
// Break opportunities come from libunistring (UAX #14, u8_possible_linebreaks);
// column widths from uc_width() with East Asian wide characters counting two.
// The filling is greedy. Breaks are never made inside a token that looks like
// a URL (contains "://", or starts with "www." or "mailto:") nor before a
// glued offset, so a line may run over the width only for one such token.
// Trailing spaces are not counted and not kept.
//
// Never fails; input must be valid UTF-8 without "\n".
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mailveil::html {

struct WrappedLine {
    std::string text;
    bool soft = false;     // the wrapper ended this line
    bool at_space = false; // ... at a space (which it removed)
};

// glue: offsets into `text` (sorted or not) before which no break is allowed.
std::vector<WrappedLine> wrap_line(std::string_view text, std::span<const std::uint32_t> glue,
                                   std::size_t width);

// Display width in columns (East Asian wide = 2).
std::size_t display_width(std::string_view utf8);

} // namespace mailveil::html
