// ascii.h - ASCII case folding for markup, CSS and URL scheme names.
//
// HTML and CSS names compare ignoring ASCII case only; these never touch
// bytes >= 0x80. Never fail.
#pragma once

#include <cstddef>
#include <string_view>

namespace mailveil::html {

inline char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

// Whether s[pos...] starts with `prefix` (given in lowercase), ignoring case.
inline bool starts_with_ci(std::string_view s, std::size_t pos, std::string_view prefix) {
    if (pos > s.size() || s.size() - pos < prefix.size())
        return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (ascii_lower(s[pos + i]) != prefix[i])
            return false;
    return true;
}

inline bool starts_with_ci(std::string_view s, std::string_view prefix) {
    return starts_with_ci(s, 0, prefix);
}

} // namespace mailveil::html
