// parse.h - libxml2's HTML parser, its events stored in a compact Tree.
//
// parse_html() runs libxml2's HTML parser exactly as htmlReadMemory() would
// (HTML_PARSE_RECOVER | NONET | NOERROR | NOWARNING, and IGNORE_ENC on input
// that is UTF-8 already, so no <meta> can switch the encoding and nothing is
// ever fetched), but takes its SAX events into a Tree (tree.h) instead of
// libxml2's tree: one allocation per few thousand nodes instead of several
// per node, and nothing to free node by node. The tree has the shape
// libxml2's own tree builder gives the same input, including its limits:
// nesting deeper than xmlParserMaxDepth (256) stops the parse there, as does
// a text node growing past XML_MAX_TEXT_LENGTH.
//
// Failure modes: throws Error if libxml2 cannot create a parser (out of
// memory), TooLarge for input over INT_MAX bytes.
#pragma once

#include "html/tree.h"

#include <string_view>

namespace mailveil::html {

Tree parse_html(std::string_view utf8);

} // namespace mailveil::html
