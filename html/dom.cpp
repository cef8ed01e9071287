// dom.cpp - attributes, style declarations and the "is it visible" test.
#include "html/dom.h"

#include "html/ascii.h"

namespace mailveil::html {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// Whether a style attribute mentions "none", "hidden", "mso-hide" or
// "opacity" (ignoring case): one pass instead of four searches.
bool may_hide(std::string_view style) {
    constexpr std::string_view kHints[] = {"none", "hidden", "mso-hide", "opacity"};
    for (std::size_t i = 0; i < style.size(); ++i) {
        const char c = ascii_lower(style[i]);
        for (const std::string_view hint : kHints)
            if (c == hint[0] && starts_with_ci(style, i, hint))
                return true;
    }
    return false;
}

} // namespace

bool contains_ci(std::string_view haystack, std::string_view needle) {
    if (needle.empty())
        return true;
    for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
        std::size_t k = 0;
        while (k < needle.size() && ascii_lower(haystack[i + k]) == needle[k])
            ++k;
        if (k == needle.size())
            return true;
    }
    return false;
}

namespace {

// Calls f(name, value) for each declaration of a style attribute, both
// lowercased and without whitespace; value without "!important".
template <typename F> void for_each_declaration(std::string_view s, F&& f) {
    std::string name, value;
    while (!s.empty()) {
        const auto semi = s.find(';');
        const std::string_view decl = s.substr(0, semi);
        s = semi == std::string_view::npos ? std::string_view() : s.substr(semi + 1);
        const auto colon = decl.find(':');
        if (colon == std::string_view::npos)
            continue;
        name.clear();
        value.clear();
        for (char c : decl.substr(0, colon))
            if (!is_space(c))
                name += ascii_lower(c);
        for (char c : decl.substr(colon + 1))
            if (!is_space(c))
                value += ascii_lower(c);
        if (const auto bang = value.find('!'); bang != std::string::npos)
            value.erase(bang);
        f(name, value);
    }
}

} // namespace

std::string style_value(const Tree& tree, NodeId element, std::string_view property) {
    const auto style = tree.attribute(element, "style");
    std::string found;
    if (style && !style->empty()) // later declarations win, as in CSS
        for_each_declaration(*style, [&](const std::string& name, const std::string& value) {
            if (name == property)
                found = value;
        });
    return found;
}

bool is_hidden(const Tree& tree, NodeId element, const ClassSet& hidden_classes) {
    if (!tree.has_attributes(element))
        return false;
    if (tree.attribute(element, "hidden"))
        return true;
    if (!hidden_classes.empty())
        if (const auto cls = tree.attribute(element, "class")) {
            std::string_view list = *cls;
            while (!list.empty()) {
                const auto start = list.find_first_not_of(" \t\r\n\f");
                if (start == std::string_view::npos)
                    break;
                list.remove_prefix(start);
                const auto end = list.find_first_of(" \t\r\n\f");
                if (hidden_classes.find(list.substr(0, end)) != hidden_classes.end())
                    return true;
                list = end == std::string_view::npos ? std::string_view() : list.substr(end);
            }
        }
    const auto style = tree.attribute(element, "style");
    if (!style)
        return false;
    // Most styles hide nothing; skip parsing those.
    if (!may_hide(*style))
        return false;
    bool display_none = false, hidden = false, zero_height = false, overflow_hidden = false;
    for_each_declaration(*style, [&](const std::string& name, const std::string& value) {
        if (name == "display")
            display_none = value == "none";
        else if (name == "visibility")
            hidden = hidden || value == "hidden";
        else if (name == "mso-hide")
            hidden = hidden || value == "all";
        else if (name == "opacity")
            hidden = hidden || value == "0" || value == "0.0";
        else if (name == "max-height" || name == "height")
            zero_height = value == "0" || value == "0px";
        else if (name == "overflow")
            overflow_hidden = value == "hidden";
    });
    return display_none || hidden || (zero_height && overflow_hidden);
}

} // namespace mailveil::html
