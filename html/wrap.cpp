// wrap.cpp - greedy line filling over libunistring's break opportunities.
#include "html/wrap.h"

#include "html/ascii.h"

#include <limits>
#include <unilbrk.h>
#include <unistr.h>
#include <uniwidth.h>

namespace mailveil::html {
namespace {

bool looks_like_url(std::string_view token) {
    return token.find("://") != std::string_view::npos || starts_with_ci(token, "www.") ||
           starts_with_ci(token, "mailto:");
}

int char_width(ucs4_t c) {
    if (c >= 0x20 && c < 0x7F)
        return 1;
    const int w = uc_width(c, "UTF-8");
    return w < 0 ? 0 : w;
}

// Display width of utf8, or of a prefix of it once that is wider than `limit`.
std::size_t width_up_to(std::string_view utf8, std::size_t limit) {
    const auto* s = reinterpret_cast<const uint8_t*>(utf8.data());
    std::size_t width = 0;
    for (std::size_t i = 0; i < utf8.size() && width <= limit;) {
        if (static_cast<unsigned char>(utf8[i]) < 0x80) {
            width += utf8[i] >= 0x20 && utf8[i] < 0x7F ? 1 : 0;
            ++i;
            continue;
        }
        ucs4_t c;
        const int n = u8_mbtouc(&c, s + i, utf8.size() - i);
        width += static_cast<std::size_t>(char_width(c));
        i += static_cast<std::size_t>(n > 0 ? n : 1);
    }
    return width;
}

} // namespace

std::size_t display_width(std::string_view utf8) {
    return width_up_to(utf8, std::numeric_limits<std::size_t>::max());
}

std::vector<WrappedLine> wrap_line(std::string_view text, std::span<const std::uint32_t> glue,
                                   std::size_t width) {
    std::vector<WrappedLine> lines;
    if (width_up_to(text, width) <= width) {
        // Fits: the greedy fill below would not break it anywhere.
        std::size_t end = text.size();
        while (end > 0 && text[end - 1] == ' ')
            --end;
        lines.push_back({std::string(text.substr(0, end)), false, false});
        return lines;
    }
    const std::size_t n = text.size();
    const auto* s = reinterpret_cast<const uint8_t*>(text.data());
    std::vector<char> brk(n);
    if (n > 0)
        u8_possible_linebreaks(s, n, "UTF-8", brk.data());
    for (const auto g : glue)
        if (g < n)
            brk[g] = UC_BREAK_PROHIBITED;
    // URL-like tokens stay whole.
    for (std::size_t i = 0; i < n;) {
        if (text[i] == ' ') {
            ++i;
            continue;
        }
        std::size_t j = text.find(' ', i);
        if (j == std::string_view::npos)
            j = n;
        if (looks_like_url(text.substr(i, j - i)))
            for (std::size_t k = i + 1; k < j; ++k)
                brk[k] = UC_BREAK_PROHIBITED;
        i = j;
    }

    auto emit = [&](std::size_t from, std::size_t to, bool soft) {
        std::size_t end = to;
        while (end > from && text[end - 1] == ' ')
            --end;
        lines.push_back({std::string(text.substr(from, end - from)), soft, soft && end < to});
    };

    std::size_t line_start = 0;
    std::size_t column = 0;    // width of text[line_start, i)
    std::size_t candidate = 0; // best break so far (0: none)
    std::size_t column_at_candidate = 0;
    for (std::size_t i = 0; i < n;) {
        ucs4_t c = s[i];
        int len = 1;
        if (c >= 0x80) {
            len = u8_mbtouc(&c, s + i, n - i);
            if (len <= 0)
                len = 1;
        }
        if (i > line_start && (brk[i] == UC_BREAK_POSSIBLE || brk[i] == UC_BREAK_MANDATORY)) {
            candidate = i;
            column_at_candidate = column;
        }
        const std::size_t w = static_cast<std::size_t>(char_width(c));
        if (c != ' ' && column + w > width && candidate > line_start) {
            // Width of the trailing spaces before the break does not count.
            emit(line_start, candidate, true);
            column -= column_at_candidate;
            line_start = candidate;
        }
        column += w;
        i += static_cast<std::size_t>(len);
    }
    emit(line_start, n, false);
    return lines;
}

} // namespace mailveil::html
