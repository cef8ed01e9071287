// prepass.cpp - downlevel-revealed conditionals and namespaced tag names.
#include "html/prepass.h"

namespace mailveil::html {
namespace {

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool starts_with_ci(std::string_view s, std::size_t pos, std::string_view prefix) {
    if (s.size() - pos < prefix.size())
        return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char c = s[pos + i];
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c + 32);
        if (c != prefix[i])
            return false;
    }
    return true;
}

} // namespace

std::string prepass(std::string_view in) {
    std::string out;
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
            // Copy comments whole: their inside is no markup.
            const auto end = in.find("-->", i + 4);
            const std::size_t stop = end == std::string_view::npos ? in.size() : end + 3;
            out.append(in.substr(i, stop - i));
            i = stop;
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
    return out;
}

} // namespace mailveil::html
