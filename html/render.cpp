// render.cpp - line layout of blocks and the two text serialisations.
#include "html/render.h"

#include "html/wrap.h"

#include <algorithm>

namespace mailveil::html {
namespace {

void rstrip(std::string& s) {
    while (!s.empty() && s.back() == ' ')
        s.pop_back();
}

// Calls f(segment, glue) for each "\n"-separated segment with glue rebased.
template <typename F> void for_each_segment(const Block& b, F&& f) {
    std::vector<std::uint32_t> glue(b.glue);
    std::sort(glue.begin(), glue.end());
    std::vector<std::uint32_t> local;
    std::size_t start = 0;
    auto g = glue.begin();
    while (true) {
        const auto nl = b.text.find('\n', start);
        const std::size_t end = nl == std::string::npos ? b.text.size() : nl;
        local.clear();
        for (; g != glue.end() && *g < end; ++g)
            if (*g >= start)
                local.push_back(static_cast<std::uint32_t>(*g - start));
        f(std::string_view(b.text).substr(start, end - start), local);
        if (nl == std::string::npos)
            break;
        start = nl + 1;
    }
}

} // namespace

void BlockRenderer::blank(unsigned depth) {
    if (lines_.empty())
        return;
    if (lines_.back().text.empty()) {
        lines_.back().quote_depth = std::min(lines_.back().quote_depth, depth);
        return;
    }
    lines_.push_back({depth, "", Line::Break::hard});
}

void BlockRenderer::line(unsigned depth, std::string text, Line::Break brk) {
    rstrip(text);
    if (text.empty()) {
        blank(depth);
        return;
    }
    if (text == "--")
        text = "-- "; // the signature separator, which mail readers look for
    lines_.push_back({depth, std::move(text), brk});
}

unsigned BlockRenderer::last_depth() const {
    return lines_.empty() ? 0 : lines_.back().quote_depth;
}

void BlockRenderer::add(const Block& b) {
    if (b.margin_before > 0)
        blank(std::min(last_depth(), b.quote_depth));
    // Quotes take "> " per level in plain text, less in flowed text.
    const std::size_t prefix = display_width(b.first_prefix) + 2 * b.quote_depth;
    const std::size_t available = width_ > prefix + 10 ? width_ - prefix : 10;
    const unsigned depth = b.quote_depth;
    bool first = true;
    auto prefixed = [&](std::string_view text) {
        std::string out = first ? b.first_prefix : b.rest_prefix;
        first = false;
        out += text;
        return out;
    };
    switch (b.type) {
    case Block::Type::text:
    case Block::Type::heading1:
    case Block::Type::heading2: {
        std::size_t widest = 0;
        for_each_segment(b, [&](std::string_view segment, const std::vector<std::uint32_t>& glue) {
            if (segment.empty()) {
                blank(depth);
                first = false;
                return;
            }
            for (auto& wl : wrap_line(segment, glue, available)) {
                if (b.type != Block::Type::text) // headings are underlined to their width
                    widest = std::max(widest, display_width(wl.text));
                const Line::Break brk = !wl.soft      ? Line::Break::hard
                                        : wl.at_space ? Line::Break::soft_at_space
                                                      : Line::Break::soft_no_space;
                line(depth, prefixed(wl.text), brk);
            }
        });
        if (b.type != Block::Type::text && widest > 0)
            line(depth, b.rest_prefix + std::string(std::min(widest, available),
                                                    b.type == Block::Type::heading1 ? '=' : '-'));
        break;
    }
    case Block::Type::pre:
    case Block::Type::verbatim: {
        std::size_t start = 0;
        while (true) {
            const auto nl = b.text.find('\n', start);
            const std::size_t end = nl == std::string::npos ? b.text.size() : nl;
            std::string text = b.text.substr(start, end - start);
            rstrip(text);
            if (text.empty()) {
                // Keep a pre block's empty lines; the sink would merge them.
                line(depth, prefixed(" "));
            } else {
                line(depth, prefixed(text));
            }
            if (nl == std::string::npos)
                break;
            start = nl + 1;
        }
        break;
    }
    case Block::Type::rule:
        line(depth, prefixed(std::string(available, '-')));
        break;
    case Block::Type::marker:
        line(depth, prefixed(""));
        break;
    }
}

Text BlockRenderer::finish(const std::vector<std::string>& urls) {
    if (!urls.empty()) {
        blank(0);
        for (std::size_t i = 0; i < urls.size(); ++i)
            line(0, "[" + std::to_string(i + 1) + "] " + urls[i]);
    }
    while (!lines_.empty() && lines_.back().text.empty())
        lines_.pop_back();
    return Text{std::move(lines_)};
}

std::string format_plain(const Text& text) {
    std::size_t size = 0;
    for (const Line& line : text.lines)
        size += 2 * line.quote_depth + line.text.size() + 1;
    std::string out;
    out.reserve(size);
    for (const Line& line : text.lines) {
        for (unsigned i = 0; i < line.quote_depth; ++i)
            out += i + 1 < line.quote_depth || !line.text.empty() ? "> " : ">";
        out += line.text;
        out += '\n';
    }
    return out;
}

std::string format_flowed(const Text& text) {
    const auto& lines = text.lines;
    std::size_t size = 0;
    for (const Line& line : lines)
        size += line.quote_depth + line.text.size() + 4;
    std::string out;
    out.reserve(size);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const Line& line = lines[i];
        out.append(line.quote_depth, '>');
        if ((line.quote_depth > 0 && !line.text.empty()) || line.text.starts_with(' ') ||
            line.text.starts_with('>') || line.text.starts_with("From "))
            out += ' '; // space-stuffing (RFC 3676, 4.4)
        out += line.text;
        // A soft break stays soft only where the next line simply continues
        // the paragraph: same quote depth and no indentation to keep.
        const bool soft = line.brk != Line::Break::hard && i + 1 < lines.size() &&
                          lines[i + 1].quote_depth == line.quote_depth &&
                          !lines[i + 1].text.empty() && !lines[i + 1].text.starts_with(' ');
        if (soft) {
            if (line.brk == Line::Break::soft_at_space)
                out += ' '; // the space the wrapper broke at
            out += ' ';     // DelSp=yes: the reader deletes this one
        }
        out += '\n';
    }
    return out;
}

} // namespace mailveil::html
