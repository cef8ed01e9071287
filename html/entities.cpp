// entities.cpp - libxml2's HTML entity table, looked up by hash.
#include "html/entities.h"

#include <libxml/HTMLparser.h>
#include <unistr.h>
#include <unordered_map>

namespace mailveil::html {
namespace {

// HTML 4's highest entity is U+2666 (&diams;).
constexpr unsigned kMaxEntityValue = 0x2666;

using Table = std::unordered_map<std::string_view, std::string>;

// Name -> UTF-8 for every entity of libxml2's table outside ASCII, read from
// libxml2 itself so that both always agree.
Table build_table() {
    Table table;
    for (unsigned value = 0x80; value <= kMaxEntityValue; ++value) {
        const htmlEntityDesc* desc = htmlEntityValueLookup(value);
        if (!desc || !desc->name)
            continue;
        const auto* name = reinterpret_cast<const xmlChar*>(desc->name);
        if (htmlEntityLookup(name) != desc) // a name libxml2 resolves otherwise
            continue;
        uint8_t buf[6];
        const int n = u8_uctomb(buf, static_cast<ucs4_t>(value), sizeof buf);
        if (n > 0)
            table.emplace(desc->name, std::string(reinterpret_cast<const char*>(buf),
                                                  static_cast<std::size_t>(n)));
    }
    return table;
}

const Table& table() {
    static const Table instance = build_table();
    return instance;
}

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// htmlParseName()'s characters.
bool is_name_start(char c) {
    return is_alpha(c) || c == '_' || c == ':';
}
bool is_name_char(char c) {
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

} // namespace

void append_decoded(std::string& out, std::string_view text) {
    std::size_t done = 0;
    for (std::size_t amp = text.find('&'); amp != std::string_view::npos;
         amp = text.find('&', amp + 1)) {
        std::size_t end = amp + 1;
        if (end >= text.size() || !is_name_start(text[end]))
            continue;
        while (end < text.size() && is_name_char(text[end]))
            ++end;
        if (end >= text.size() || text[end] != ';')
            continue;
        const auto it = table().find(text.substr(amp + 1, end - amp - 1));
        if (it == table().end())
            continue;
        out.append(text.substr(done, amp - done));
        out += it->second;
        done = end + 1;
        amp = end;
    }
    out.append(text.substr(done));
}

} // namespace mailveil::html
