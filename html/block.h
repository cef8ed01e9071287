// block.h - the unit between layout (DOM walk) and rendering (wrapping).
//
// A Block is one paragraph-like piece of output with everything the renderer
// needs: its inline text, where it may not break, its prefixes (list markers
// and indentation; quote depth kept apart for format=flowed) and how many
// blank lines it wants before it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mailveil::html {

struct Block {
    enum class Type {
        text,     // wrapped; "\n" is a hard break
        heading1, // wrapped, then underlined with '='
        heading2, // wrapped, then underlined with '-'
        pre,      // verbatim lines, never wrapped
        verbatim, // lines laid out already (aligned tables)
        rule,     // a line of dashes as wide as the space allows
        marker,   // a list marker alone on its line
    };
    Type type = Type::text;
    std::string text;
    std::vector<std::uint32_t> glue;
    std::string first_prefix; // indentation + marker for the first line
    std::string rest_prefix;  // indentation for the other lines
    unsigned quote_depth = 0;
    unsigned margin_before = 0;
};

} // namespace mailveil::html
