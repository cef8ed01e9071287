// elements.h - what an element's name means for text layout.
//
// One table, sorted by name, gives each HTML element a Kind (block, inline,
// skipped, list, table cell, ...) and the blank lines it wants around it, as
// a browser's default style sheet does. Unknown names are inline.
//
// Never fails.
#pragma once

#include <string_view>

namespace mailveil::html {

enum class Kind {
    inline_, // span, b, font, unknown elements: text flows through
    block,   // div, p, section, ...: starts and ends a line
    skip,    // head, script, style, svg, form controls: not shown at all
    br,
    hr,
    pre,
    blockquote,
    list,    // ul, ol, menu, dir
    item,    // li
    heading, // h1..h6
    link,    // a
    image,   // img
    table,
    row,  // tr
    cell, // td, th
    caption,
    dt,
    dd,
    section, // thead, tbody, tfoot: transparent inside tables
};

struct ElementInfo {
    Kind kind;
    unsigned margin; // blank lines before and after a block
};

// `name` as the parser gives it: lowercase, without a namespace prefix.
ElementInfo element_info(std::string_view name);

} // namespace mailveil::html
