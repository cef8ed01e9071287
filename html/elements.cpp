// elements.cpp - the element table.
#include "html/elements.h"

#include <algorithm>
#include <array>

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

} // namespace

ElementInfo element_info(std::string_view name) {
    const auto it = std::lower_bound(kElements.begin(), kElements.end(), name,
                                     [](const Entry& e, std::string_view n) { return e.name < n; });
    if (it == kElements.end() || it->name != name)
        return {Kind::inline_, 0};
    return it->info;
}

} // namespace mailveil::html
