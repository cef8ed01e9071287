// prepass.cpp - downlevel-revealed conditionals, namespaced tag names, comments,
// raw text and unread attributes.
#include "html/prepass.h"

#include "html/ascii.h"

#include "html/attributes.h"

namespace mailveil::html {
namespace {

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// For <style ...> or <script ...> at pos: the position after its end tag
// (or the end of input, as the parser would read it); otherwise 0. A style
// sheet's text goes to `css`.
std::size_t raw_text_end(std::string_view in, std::size_t pos, std::string_view& css) {
    for (std::string_view name : {std::string_view("style"), std::string_view("script")}) {
        const std::size_t after = pos + 1 + name.size();
        if (!starts_with_ci(in, pos + 1, name) || after >= in.size())
            continue;
        const char c = in[after];
        if (c != '>' && c != '/' && c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f')
            continue;
        for (std::size_t k = in.find("</", after); k != std::string_view::npos;
             k = in.find("</", k + 2)) {
            if (starts_with_ci(in, k + 2, name)) {
                if (name == "style")
                    css = in.substr(after, k - after);
                const auto gt = in.find('>', k);
                return gt == std::string_view::npos ? in.size() : gt + 1;
            }
        }
        if (name == "style")
            css = in.substr(after);
        return in.size();
    }
    return 0;
}

std::string lowercase_compact(std::string_view s) {
    std::string out;
    for (char c : s)
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f')
            out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    return out;
}

// ".name" or "span.name": the class name, else "".
std::string simple_class(std::string_view selector) {
    while (!selector.empty() &&
           std::string_view(" \t\r\n\f").find(selector.front()) != std::string_view::npos)
        selector.remove_prefix(1);
    while (!selector.empty() &&
           std::string_view(" \t\r\n\f").find(selector.back()) != std::string_view::npos)
        selector.remove_suffix(1);
    const auto dot = selector.find('.');
    if (dot == std::string_view::npos || dot + 1 >= selector.size())
        return {};
    for (std::size_t i = 0; i < dot; ++i)
        if (!is_alpha(selector[i]) && !(selector[i] >= '0' && selector[i] <= '9'))
            return {};
    for (std::size_t i = dot + 1; i < selector.size(); ++i)
        if (!is_name_char(selector[i]) || selector[i] == '.')
            return {};
    return std::string(selector.substr(dot + 1));
}

} // namespace

void collect_hidden_classes(std::string_view css, ClassSet& out) {
    std::size_t i = 0;
    std::string selector;
    while (i < css.size()) {
        if (css.substr(i, 2) == "/*") {
            const auto end = css.find("*/", i + 2);
            i = end == std::string_view::npos ? css.size() : end + 2;
            continue;
        }
        if (css[i] == '<' || css[i] == '>') { // "<!--" and "-->" around old style sheets
            ++i;
            continue;
        }
        const auto open = css.find('{', i);
        if (open == std::string_view::npos)
            break;
        selector = std::string(css.substr(i, open - i));
        const auto start = selector.find_first_not_of(" \t\r\n\f-!");
        if (start != std::string::npos && selector[start] == '@') {
            // An at-rule block (@media, @font-face): skip it with what it nests.
            int depth = 0;
            std::size_t k = open;
            for (; k < css.size(); ++k) {
                if (css[k] == '{')
                    ++depth;
                else if (css[k] == '}' && --depth == 0)
                    break;
            }
            i = k + 1;
            continue;
        }
        const auto close = css.find('}', open);
        const std::string decls = lowercase_compact(css.substr(
            open + 1, (close == std::string_view::npos ? css.size() : close) - open - 1));
        i = close == std::string_view::npos ? css.size() : close + 1;
        if (decls.find("display:none") == std::string::npos &&
            decls.find("mso-hide:all") == std::string::npos &&
            decls.find("visibility:hidden") == std::string::npos)
            continue;
        std::string_view list = selector;
        while (!list.empty()) {
            const auto comma = list.find(',');
            const std::string name = simple_class(list.substr(0, comma));
            if (!name.empty())
                out.insert(name);
            list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        }
    }
}

Prepassed prepass(std::string_view in) {
    Prepassed result;
    std::string& out = result.html;
    out.reserve(in.size());
    std::size_t i = 0;
    while (i < in.size()) {
        const auto lt = in.find('<', i);
        if (lt == std::string_view::npos) {
            out.append(in.substr(i));
            break;
        }
        out.append(in.substr(i, lt - i));
        i = lt;
        if (starts_with_ci(in, i, "<![endif]>")) {
            i += 10;
            continue;
        }
        if (starts_with_ci(in, i, "<![if")) {
            // A conditional's test is short; a missing "]>" means this is not one.
            const auto end = in.substr(i, 256).find("]>");
            if (end != std::string_view::npos) {
                i += end + 2;
                continue;
            }
        }
        if (starts_with_ci(in, i, "<!--")) {
            // Comments (MSO conditionals among them) are never shown: drop
            // them here, which also spares the parser the work.
            if (starts_with_ci(in, i + 4, ">") || starts_with_ci(in, i + 4, "->")) {
                i = in.find('>', i + 4) + 1; // "<!-->" and "<!--->" are empty comments
                continue;
            }
            const auto end = in.find("-->", i + 4);
            i = end == std::string_view::npos ? in.size() : end + 3;
            continue;
        }
        std::string_view css;
        if (const auto skip = raw_text_end(in, i, css)) {
            collect_hidden_classes(css, result.hidden_classes);
            i = skip;
            continue;
        }
        // <name:rest or </name:rest
        std::size_t j = i + 1;
        if (j < in.size() && in[j] == '/')
            ++j;
        if (j < in.size() && is_alpha(in[j])) {
            std::size_t k = j;
            while (k < in.size() && is_name_char(in[k]))
                ++k;
            out.append(in.substr(i, k - i));
            if (k + 1 < in.size() && in[k] == ':' && is_alpha(in[k + 1])) {
                out += '-';
                ++k;
            }
            i = k;
            continue;
        }
        out += '<';
        ++i;
    }
    out = trim_unread_attributes(out);
    return result;
}

} // namespace mailveil::html
