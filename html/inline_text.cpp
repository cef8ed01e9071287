// inline_text.cpp - whitespace collapsing and character filtering.
#include "html/inline_text.h"

#include <unistr.h>

namespace mailveil::html {
namespace {

enum class CharClass { visible, space, nbsp, drop };

// windows-1252 for U+0080..U+009F; 0 where it has no character.
constexpr char32_t kC1[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                              0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                              0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                              0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

CharClass classify(char32_t& c) {
    if (c < 0x80) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')
            return CharClass::space;
        return c < 0x20 || c == 0x7F ? CharClass::drop : CharClass::visible;
    }
    if (c < 0xA0) {
        c = kC1[c - 0x80];
        return c ? CharClass::visible : CharClass::drop;
    }
    switch (c) {
    case 0x00A0:
    case 0x202F:
        return CharClass::nbsp;
    case 0x00AD: // soft hyphen
    case 0x034F: // combining grapheme joiner: preheader filler
    case 0x061C:
    case 0x180E:
    case 0x200B:
    case 0x200C:
    case 0x200E:
    case 0x200F:
    case 0xFEFF:
        return CharClass::drop;
    case 0x2028:
    case 0x2029:
        return CharClass::space;
    default:
        break;
    }
    if (c >= 0x2000 && c <= 0x200A)
        return CharClass::space;
    if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x2069))
        return CharClass::drop;
    return CharClass::visible;
}

void append_utf8(std::string& out, char32_t c) {
    uint8_t buf[6];
    const int n = u8_uctomb(buf, static_cast<ucs4_t>(c), sizeof buf);
    if (n > 0)
        out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

// Decodes one code point of valid UTF-8 at s[i]; advances i.
char32_t next_char(std::string_view s, std::size_t& i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
        ++i;
        return b;
    }
    ucs4_t uc;
    const int n = u8_mbtouc(&uc, reinterpret_cast<const uint8_t*>(s.data()) + i, s.size() - i);
    i += static_cast<std::size_t>(n > 0 ? n : 1);
    return uc;
}

} // namespace

void InlineText::emit_pending() {
    if (pending_ != Pending::none && !at_line_start()) {
        text_ += ' ';
        if (pending_ == Pending::nbsp)
            glue_.push_back(static_cast<std::uint32_t>(text_.size()));
    }
    pending_ = Pending::none;
}

void InlineText::append_text(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b > 0x20 && b < 0x7F) { // the common case: a printable ASCII run
            std::size_t j = i + 1;
            while (j < s.size() && static_cast<unsigned char>(s[j]) > 0x20 &&
                   static_cast<unsigned char>(s[j]) < 0x7F)
                ++j;
            emit_pending();
            text_.append(s.substr(i, j - i));
            visible_ = true;
            i = j;
            continue;
        }
        const std::size_t start = i;
        char32_t c = next_char(s, i);
        const char32_t original = c;
        switch (classify(c)) {
        case CharClass::space:
            pending_ = Pending::space;
            break;
        case CharClass::nbsp:
            saw_nbsp_ = true;
            pending_ = pending_ == Pending::none ? Pending::nbsp : Pending::space;
            break;
        case CharClass::drop:
            break;
        case CharClass::visible:
            emit_pending();
            if (c == original)
                text_.append(s.substr(start, i - start));
            else
                append_utf8(text_, c);
            visible_ = true;
            break;
        }
    }
}

void InlineText::append_pre(std::string_view s) {
    std::size_t column = 0;
    for (std::size_t k = text_.size(); k > 0 && text_[k - 1] != '\n'; --k)
        ++column;
    emit_pending();
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t start = i;
        char32_t c = next_char(s, i);
        const char32_t original = c;
        if (c == '\r') {
            if (i < s.size() && s[i] == '\n')
                continue;
            c = '\n';
        }
        if (c == '\n') {
            text_ += '\n';
            column = 0;
            saw_break_ = true;
            continue;
        }
        if (c == '\t') {
            const std::size_t spaces = 8 - column % 8;
            text_.append(spaces, ' ');
            column += spaces;
            continue;
        }
        switch (classify(c)) {
        case CharClass::space:
        case CharClass::nbsp:
            text_ += ' ';
            ++column;
            break;
        case CharClass::drop:
            break;
        case CharClass::visible:
            if (c == original)
                text_.append(s.substr(start, i - start));
            else
                append_utf8(text_, c);
            ++column;
            visible_ = true;
            break;
        }
    }
}

void InlineText::append_atom(std::string_view utf8, bool glue_before) {
    if (utf8.empty())
        return;
    const bool had_space = pending_ != Pending::none;
    if (!at_line_start())
        pending_ = Pending::space;
    emit_pending();
    if (glue_before && !text_.empty())
        glue_.push_back(static_cast<std::uint32_t>(text_.size()));
    text_.append(utf8);
    visible_ = true;
    // The atom is a word of its own: what follows it is separated, but a
    // space that came before the atom must not get lost either.
    pending_ = had_space ? Pending::space : Pending::none;
}

void InlineText::space() {
    if (pending_ == Pending::none)
        pending_ = Pending::space;
}

void InlineText::hard_break() {
    pending_ = Pending::none;
    text_ += '\n';
    saw_break_ = true;
}

void InlineText::glue_range(std::size_t from, std::size_t to) {
    for (std::size_t i = from + 1; i < to; ++i)
        glue_.push_back(static_cast<std::uint32_t>(i));
}

Paragraph InlineText::take() {
    Paragraph p;
    if (visible_) {
        // A <br> that ends a block adds no empty line in a browser.
        if (!text_.empty() && text_.back() == '\n')
            text_.pop_back();
        p.text = std::move(text_);
        p.glue = std::move(glue_);
    }
    text_.clear();
    glue_.clear();
    pending_ = Pending::none;
    visible_ = saw_nbsp_ = saw_break_ = false;
    ++generation_;
    return p;
}

std::string collapse_whitespace(std::string_view utf8) {
    InlineText t;
    t.append_text(utf8);
    return t.take().text;
}

} // namespace mailveil::html
