// dom.h - the parsed document and what an element means for text layout.
//
// parse_html() runs libxml2's HTML parser on UTF-8 (HTML_PARSE_IGNORE_ENC,
// so no <meta> can switch the encoding; HTML_PARSE_NONET, so nothing is ever
// fetched) and owns the result. The helpers answer questions the layout asks
// about one element: its kind, an attribute, whether CSS or markup hides it.
//
// Failure modes: parse_html() throws Error if libxml2 returns no document at
// all (out of memory); otherwise broken markup is repaired by the parser.
// libxml2 itself stops nesting at 256 levels.
#pragma once

#include <libxml/tree.h>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace mailveil::html {

struct DocFreer {
    void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocFreer>;

DocPtr parse_html(std::string_view utf8);

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

ElementInfo element_info(const xmlNode* element);

inline std::string_view name_of(const xmlNode* node) {
    return node->name ? reinterpret_cast<const char*>(node->name) : "";
}

// The attribute's value, or nothing when it is absent.
std::optional<std::string> attribute(const xmlNode* element, const char* name);

// hidden attribute, display:none, visibility:hidden, mso-hide:all, or
// opacity:0, or (max-)height:0 with overflow:hidden (the usual preheader tricks).
// Also hidden: an element with one of `hidden_classes` in its class attribute.
using ClassSet = std::set<std::string>;
bool is_hidden(const xmlNode* element, const ClassSet& hidden_classes);

// Whether haystack contains needle (lowercase ASCII), ignoring ASCII case.
bool contains_ci(std::string_view haystack, std::string_view needle);

// The value of one declaration in a style="" attribute, lowercased, without
// spaces and "!important"; empty when absent.
std::string style_value(const xmlNode* element, std::string_view property);

} // namespace mailveil::html
