// dom.cpp - libxml2 parsing, the element table and the "is it visible" test.
#include "html/dom.h"

#include "html/html_to_text.h"

#include <algorithm>
#include <array>
#include <climits>
#include <libxml/HTMLparser.h>

namespace mailveil::html {
namespace {

struct Entry {
    std::string_view name;
    ElementInfo info;
};

// Sorted by name. Margins follow browsers' default style sheet, in lines.
constexpr auto kElements = std::to_array<Entry>({
    {"a", {Kind::link, 0}},
    {"address", {Kind::block, 0}},
    {"applet", {Kind::skip, 0}},
    {"area", {Kind::skip, 0}},
    {"article", {Kind::block, 0}},
    {"aside", {Kind::block, 0}},
    {"audio", {Kind::skip, 0}},
    {"base", {Kind::skip, 0}},
    {"blockquote", {Kind::blockquote, 1}},
    {"body", {Kind::block, 0}},
    {"br", {Kind::br, 0}},
    {"canvas", {Kind::skip, 0}},
    {"caption", {Kind::caption, 0}},
    {"center", {Kind::block, 0}},
    {"datalist", {Kind::skip, 0}},
    {"dd", {Kind::dd, 0}},
    {"details", {Kind::block, 0}},
    {"dialog", {Kind::block, 0}},
    {"dir", {Kind::list, 1}},
    {"div", {Kind::block, 0}},
    {"dl", {Kind::block, 1}},
    {"dt", {Kind::dt, 0}},
    {"embed", {Kind::skip, 0}},
    {"fieldset", {Kind::block, 0}},
    {"figcaption", {Kind::block, 0}},
    {"figure", {Kind::block, 1}},
    {"footer", {Kind::block, 0}},
    {"form", {Kind::block, 0}},
    {"frame", {Kind::skip, 0}},
    {"frameset", {Kind::skip, 0}},
    {"h1", {Kind::heading, 1}},
    {"h2", {Kind::heading, 1}},
    {"h3", {Kind::heading, 1}},
    {"h4", {Kind::heading, 1}},
    {"h5", {Kind::heading, 1}},
    {"h6", {Kind::heading, 1}},
    {"head", {Kind::skip, 0}},
    {"header", {Kind::block, 0}},
    {"hgroup", {Kind::block, 0}},
    {"hr", {Kind::hr, 1}},
    {"html", {Kind::block, 0}},
    {"iframe", {Kind::skip, 0}},
    {"img", {Kind::image, 0}},
    {"input", {Kind::skip, 0}},
    {"legend", {Kind::block, 0}},
    {"li", {Kind::item, 0}},
    {"link", {Kind::skip, 0}},
    {"listing", {Kind::pre, 1}},
    {"main", {Kind::block, 0}},
    {"map", {Kind::skip, 0}},
    {"math", {Kind::skip, 0}},
    {"menu", {Kind::list, 1}},
    {"meta", {Kind::skip, 0}},
    {"nav", {Kind::block, 0}},
    {"noembed", {Kind::skip, 0}},
    {"noframes", {Kind::skip, 0}},
    {"object", {Kind::skip, 0}},
    {"ol", {Kind::list, 1}},
    {"optgroup", {Kind::skip, 0}},
    {"option", {Kind::skip, 0}},
    {"p", {Kind::block, 1}},
    {"param", {Kind::skip, 0}},
    {"picture", {Kind::inline_, 0}},
    {"plaintext", {Kind::pre, 1}},
    {"pre", {Kind::pre, 1}},
    {"script", {Kind::skip, 0}},
    {"section", {Kind::block, 0}},
    {"select", {Kind::skip, 0}},
    {"source", {Kind::skip, 0}},
    {"style", {Kind::skip, 0}},
    {"summary", {Kind::block, 0}},
    {"svg", {Kind::skip, 0}},
    {"table", {Kind::table, 1}},
    {"tbody", {Kind::section, 0}},
    {"td", {Kind::cell, 0}},
    {"template", {Kind::skip, 0}},
    {"textarea", {Kind::skip, 0}},
    {"tfoot", {Kind::section, 0}},
    {"th", {Kind::cell, 0}},
    {"thead", {Kind::section, 0}},
    {"title", {Kind::skip, 0}},
    {"tr", {Kind::row, 0}},
    {"track", {Kind::skip, 0}},
    {"ul", {Kind::list, 1}},
    {"video", {Kind::skip, 0}},
    {"xml", {Kind::skip, 0}},
    {"xmp", {Kind::pre, 1}},
});

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

} // namespace

bool contains_ci(std::string_view haystack, std::string_view needle) {
    if (needle.empty())
        return true;
    for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
        std::size_t k = 0;
        while (k < needle.size() && lower(haystack[i + k]) == needle[k])
            ++k;
        if (k == needle.size())
            return true;
    }
    return false;
}

DocPtr parse_html(std::string_view utf8) {
    if (utf8.size() > static_cast<std::size_t>(INT_MAX))
        throw TooLarge("HTML part too large to parse");
    constexpr int kOptions = HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                             HTML_PARSE_NOWARNING | HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT;
    // An empty buffer yields no document at all; parse a lone space instead.
    const std::string_view input = utf8.empty() ? std::string_view(" ") : utf8;
    DocPtr doc(
        htmlReadMemory(input.data(), static_cast<int>(input.size()), nullptr, "UTF-8", kOptions));
    if (!doc)
        throw Error("libxml2 could not parse the HTML part");
    return doc;
}

ElementInfo element_info(const xmlNode* element) {
    const std::string_view name = name_of(element);
    const auto it = std::lower_bound(kElements.begin(), kElements.end(), name,
                                     [](const Entry& e, std::string_view n) { return e.name < n; });
    if (it == kElements.end() || it->name != name)
        return {Kind::inline_, 0};
    return it->info;
}

std::optional<std::string> attribute(const xmlNode* element, const char* name) {
    for (const xmlAttr* a = element->properties; a; a = a->next) {
        if (xmlStrcasecmp(a->name, reinterpret_cast<const xmlChar*>(name)) != 0)
            continue;
        std::string value;
        for (const xmlNode* c = a->children; c; c = c->next)
            if (c->content)
                value += reinterpret_cast<const char*>(c->content);
        return value;
    }
    return std::nullopt;
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
                name += lower(c);
        for (char c : decl.substr(colon + 1))
            if (!is_space(c))
                value += lower(c);
        if (const auto bang = value.find('!'); bang != std::string::npos)
            value.erase(bang);
        f(name, value);
    }
}

} // namespace

std::string style_value(const xmlNode* element, std::string_view property) {
    const auto style = attribute(element, "style");
    std::string found;
    if (style && !style->empty()) // later declarations win, as in CSS
        for_each_declaration(*style, [&](const std::string& name, const std::string& value) {
            if (name == property)
                found = value;
        });
    return found;
}

bool is_hidden(const xmlNode* element, const ClassSet& hidden_classes) {
    if (!element->properties)
        return false;
    if (attribute(element, "hidden"))
        return true;
    if (!hidden_classes.empty())
        if (const auto cls = attribute(element, "class")) {
            std::string_view list = *cls;
            while (!list.empty()) {
                const auto start = list.find_first_not_of(" \t\r\n\f");
                if (start == std::string_view::npos)
                    break;
                list.remove_prefix(start);
                const auto end = list.find_first_of(" \t\r\n\f");
                if (hidden_classes.count(std::string(list.substr(0, end))))
                    return true;
                list = end == std::string_view::npos ? std::string_view() : list.substr(end);
            }
        }
    const auto style = attribute(element, "style");
    if (!style)
        return false;
    // Most styles hide nothing; skip parsing those.
    if (!contains_ci(*style, "none") && !contains_ci(*style, "hidden") &&
        !contains_ci(*style, "mso-hide") && !contains_ci(*style, "opacity"))
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
