// dom.h - what the layout asks about one element of the parsed document.
//
// The document is a Tree (tree.h, built by parse.h); what an element's name
// means is elements.h. These helpers answer the rest: an attribute, whether
// CSS or markup hides the element, one declaration of its style attribute.
// The prepass keeps only the attributes and style properties listed in
// attributes.cpp: a new one read here must be added there.
//
// Never fails.
#pragma once

#include "html/elements.h"
#include "html/prepass.h"
#include "html/tree.h"

#include <optional>
#include <string>
#include <string_view>

namespace mailveil::html {

// The attribute's value, or nothing when it is absent.
inline std::optional<std::string_view> attribute(const Tree& tree, NodeId element,
                                                 std::string_view name) {
    return tree.attribute(element, name);
}

// hidden attribute, display:none, visibility:hidden, mso-hide:all, or
// opacity:0, or (max-)height:0 with overflow:hidden (the usual preheader tricks).
// Also hidden: an element with one of `hidden_classes` in its class attribute.
bool is_hidden(const Tree& tree, NodeId element, const ClassSet& hidden_classes);

// Whether haystack contains needle (lowercase ASCII), ignoring ASCII case.
bool contains_ci(std::string_view haystack, std::string_view needle);

// The value of one declaration in a style="" attribute, lowercased, without
// spaces and "!important"; empty when absent.
std::string style_value(const Tree& tree, NodeId element, std::string_view property);

} // namespace mailveil::html
