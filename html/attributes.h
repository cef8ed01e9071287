// attributes.h - the attributes the converter reads, and dropping the rest.
//
// Newsletter markup spends most of its bytes on attributes nobody reading
// text needs (cellpadding, bgcolor, src, long style="" declarations), and
// libxml2 parses attribute values a character at a time. The prepass hands
// it start tags without them. The lists in attributes.cpp must name every
// attribute and style property that dom.cpp, layout.cpp and tables.cpp read.
//
// Only markup that reads one way is touched. The scan follows libxml2's
// HTML tokenizer over text, plain start tags (name, then attributes written
// name="value" or name='value', then ">" or "/>"), plain end tags and a
// DOCTYPE without odd quotes; at the first thing it is not sure of (a
// comment, a processing instruction, an unquoted value, <script>, ...) it
// stops and the rest goes out unchanged. So every tag it trims is a tag to
// libxml2 too, and splits into the same attributes, minus the dropped ones.
// A style value keeps the declarations (split at ';' as dom.cpp splits them)
// whose property the converter reads; a value with '&' is left whole, since
// a reference could hide a ';'. On the way, named references in text and in
// kept attribute values are decoded as libxml2 would decode them
// (entities.h).
//
// Never fails.
#pragma once

#include <string>
#include <string_view>

namespace mailveil::html {

std::string trim_unread_attributes(std::string_view html);

} // namespace mailveil::html
