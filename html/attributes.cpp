// attributes.cpp - which attributes and style properties survive the prepass.
#include "html/attributes.h"

#include "html/ascii.h"
#include "html/entities.h"

#include <algorithm>
#include <array>
#include <span>

namespace mailveil::html {
namespace {

// Sorted. Every name dom.cpp, layout.cpp and tables.cpp pass to attribute().
constexpr auto kAttributes = std::to_array<std::string_view>({
    "alt",
    "class",
    "colspan",
    "height",
    "hidden",
    "href",
    "reversed",
    "role",
    "start",
    "style",
    "type",
    "value",
    "width",
});

// Sorted. Every property is_hidden(), is_tiny(), start_list() and the MSO
// list marker test read from a style attribute.
constexpr auto kStyleProperties = std::to_array<std::string_view>({
    "display",
    "height",
    "list-style",
    "list-style-type",
    "max-height",
    "mso-hide",
    "mso-list",
    "opacity",
    "overflow",
    "visibility",
    "width",
});

// What libxml2 skips between attributes (IS_BLANK_CH; not '\f').
bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// libxml2's htmlParseHTMLName() characters.
bool is_name_char(char c) {
    return is_alpha(c) || (c >= '0' && c <= '9') || c == ':' || c == '-' || c == '_' || c == '.';
}

bool listed(std::span<const std::string_view> sorted, std::string_view name) {
    return std::binary_search(sorted.begin(), sorted.end(), name);
}

// A declaration's property as dom.cpp reads it: lowercase, no whitespace.
std::string property_of(std::string_view declaration) {
    std::string name;
    for (char c : declaration.substr(0, declaration.find(':')))
        if (!is_blank(c) && c != '\f')
            name += ascii_lower(c);
    return name;
}

// The declarations of a style value that the converter reads, joined by ';'.
std::string kept_declarations(std::string_view style) {
    std::string kept;
    while (!style.empty()) {
        const auto semi = style.find(';');
        const std::string_view declaration = style.substr(0, semi);
        style = semi == std::string_view::npos ? std::string_view() : style.substr(semi + 1);
        if (declaration.find(':') == std::string_view::npos ||
            !listed(kStyleProperties, property_of(declaration)))
            continue;
        if (!kept.empty())
            kept += ';';
        kept += declaration;
    }
    return kept;
}

// Longer names are cut short by libxml2; and a value this long is not worth
// the look.
constexpr std::size_t kMaxName = 99;
constexpr std::size_t kMaxValue = 1 << 20;

std::size_t name_end(std::string_view in, std::size_t pos) {
    while (pos < in.size() && is_name_char(in[pos]))
        ++pos;
    return pos;
}

// A plain start tag at `lt`: appends it trimmed to `out` and returns the
// position after it, or 0 (with `out` as it was) when it is not plain.
std::size_t start_tag(std::string_view in, std::size_t lt, std::string& out, std::string& name) {
    std::size_t p = name_end(in, lt + 1);
    if (p - lt - 1 > kMaxName)
        return 0;
    name.assign(in.substr(lt + 1, p - lt - 1));
    std::transform(name.begin(), name.end(), name.begin(), ascii_lower);
    if (name == "script" || name == "style") // raw text follows
        return 0;
    const std::size_t out_size = out.size();
    auto give_up = [&] {
        out.resize(out_size);
        return std::size_t{0};
    };
    out.append(in.substr(lt, p - lt));
    while (true) {
        std::size_t q = p;
        while (q < in.size() && is_blank(in[q]))
            ++q;
        if (q >= in.size())
            return give_up();
        if (in[q] == '>' || (in[q] == '/' && q + 1 < in.size() && in[q + 1] == '>')) {
            const std::size_t end = q + (in[q] == '>' ? 1 : 2);
            out.append(in.substr(p, end - p));
            return end;
        }
        if (q == p || !is_alpha(in[q]))
            return give_up();
        const std::size_t e = name_end(in, q);
        if (e - q > kMaxName || e + 1 >= in.size() || in[e] != '=' ||
            (in[e + 1] != '"' && in[e + 1] != '\''))
            return give_up();
        const char quote = in[e + 1];
        const std::size_t close = in.find(quote, e + 2);
        if (close == std::string_view::npos || close - e - 2 > kMaxValue)
            return give_up();
        const std::string_view value = in.substr(e + 2, close - e - 2);
        name.assign(in.substr(q, e - q));
        std::transform(name.begin(), name.end(), name.begin(), ascii_lower);
        if (listed(kAttributes, name)) {
            std::string_view kept = value;
            std::string decoded, declarations;
            if (value.find('&') != std::string_view::npos) {
                append_decoded(decoded, value);
                kept = decoded;
            }
            // A reference left could stand for ';' or ':': such a style stays whole.
            if (name == "style" && kept.find('&') == std::string_view::npos) {
                declarations = kept_declarations(kept);
                kept = declarations;
            }
            if (name != "style" || !kept.empty()) {
                out.append(in.substr(p, e + 2 - p)); // blanks, name, '=', quote
                out += kept;
                out += quote;
            }
        }
        p = close + 1;
    }
}

// A plain end tag at `lt`: the position after it, or 0.
std::size_t end_tag(std::string_view in, std::size_t lt) {
    std::size_t p = name_end(in, lt + 2);
    while (p < in.size() && is_blank(in[p]))
        ++p;
    return p < in.size() && in[p] == '>' ? p + 1 : 0;
}

// A DOCTYPE at `lt` whose literals all close before the first '>': the
// position after it, or 0.
std::size_t doctype(std::string_view in, std::size_t lt) {
    const std::size_t gt = in.find('>', lt);
    if (gt == std::string_view::npos)
        return 0;
    const std::string_view decl = in.substr(lt + 1, gt - lt - 1);
    if (decl.find_first_of("<'") != std::string_view::npos ||
        std::count(decl.begin(), decl.end(), '"') % 2 != 0)
        return 0;
    return gt + 1;
}

} // namespace

std::string trim_unread_attributes(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    std::string name; // scratch
    std::size_t i = 0;
    while (i < in.size()) {
        const auto lt = in.find('<', i);
        if (lt == std::string_view::npos || lt + 2 >= in.size())
            break;
        append_decoded(out, in.substr(i, lt - i));
        i = lt;
        std::size_t end = 0;
        if (is_alpha(in[lt + 1]))
            end = start_tag(in, lt, out, name);
        else if (in[lt + 1] == '/' && is_alpha(in[lt + 2]))
            end = end_tag(in, lt);
        else if (starts_with_ci(in, lt, "<!doctype"))
            end = doctype(in, lt);
        if (end == 0)
            break; // not sure what the parser makes of it: the rest stays
        if (!is_alpha(in[lt + 1]))
            out.append(in.substr(lt, end - lt));
        i = end;
    }
    out.append(in.substr(i));
    return out;
}

} // namespace mailveil::html
