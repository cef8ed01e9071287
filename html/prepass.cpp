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

// For <style ...> or <script ...> at pos: the position after its end tag
// (or the end of input, as the parser would read it); otherwise 0.
std::size_t raw_text_end(std::string_view in, std::size_t pos) {
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
                const auto gt = in.find('>', k);
                return gt == std::string_view::npos ? in.size() : gt + 1;
            }
        }
        return in.size();
    }
    return 0;
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
        if (const auto skip = raw_text_end(in, i)) {
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
    return out;
}

} // namespace mailveil::html
