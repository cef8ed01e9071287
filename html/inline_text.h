// inline_text.h - collect the inline content of one block as a browser shows it.
//
// Whitespace collapses across element boundaries (one space between words,
// none at line starts or block ends); a lone no-break space stays a space the
// wrapper will not break at, while runs of them collapse like spaces.
// Invisible characters mail senders use as filler (U+034F, U+200B, U+200C,
// U+FEFF, soft hyphens, bidi controls) and control characters are dropped;
// C1 code points (from &#150; and friends) read as windows-1252.
//
// "\n" in text() is a hard line break. glue() lists byte offsets before which
// the wrapper must not break. Input must be valid UTF-8; never fails.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mailveil::html {

struct Paragraph {
    std::string text;
    std::vector<std::uint32_t> glue;
};

class InlineText {
  public:
    void append_text(std::string_view utf8);
    void append_pre(std::string_view utf8);
    // A word that stands alone, e.g. "[3]" or "[Logo]". glue_before keeps it
    // on the line of the preceding word.
    void append_atom(std::string_view utf8, bool glue_before);
    void space(); // a collapsible space, e.g. between table cells
    void hard_break();

    bool empty() const { return !visible_; }
    bool saw_nbsp() const { return saw_nbsp_; }
    bool saw_break() const { return saw_break_; }
    bool space_pending() const { return pending_ != Pending::none; }

    std::size_t size() const { return text_.size(); }
    std::string_view text() const { return text_; }
    // Changes whenever take() empties the buffer: a link can tell whether
    // its text is still here.
    std::uint64_t generation() const { return generation_; }
    // No break anywhere inside [from, to).
    void glue_range(std::size_t from, std::size_t to);

    Paragraph take();

  private:
    enum class Pending { none, space, nbsp };
    void emit_pending();
    bool at_line_start() const { return text_.empty() || text_.back() == '\n'; }

    std::string text_;
    std::vector<std::uint32_t> glue_;
    Pending pending_ = Pending::none;
    bool visible_ = false;
    bool saw_nbsp_ = false;
    bool saw_break_ = false;
    std::uint64_t generation_ = 0;
};

// Collapse whitespace, drop invisible characters and trim: for alt texts.
std::string collapse_whitespace(std::string_view utf8);

} // namespace mailveil::html
