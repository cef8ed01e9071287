// html_to_text.h - turn an HTML mail part into plain text a person wants to read.
//
// The public interface of mailveil's HTML converter (library mailveil_html;
// libxml2, iconv and libunistring inside, no GMime, no libmilter).
//
//   convert()        HTML bytes + the MIME part's charset label -> Text, a list
//                    of lines that still knows quote depths and soft breaks;
//   format_plain()   Text -> plain UTF-8 text (quotes as "> " per level);
//   format_flowed()  Text -> RFC 3676 format=flowed text for
//                    "text/plain; charset=utf-8; format=flowed; delsp=yes";
//   to_text()        convert() then one of the two, as Options::flowed says.
//
// Output: UTF-8, lines end in "\n" (the caller converts to CRLF), no tags,
// entities or CSS. Link targets are listed at the end as "[n] URL".
//
// Failure modes: input over Options::max_input_bytes throws TooLarge; a
// libxml2 failure to build any document throws Error. Hostile input (bad
// bytes, deep nesting, broken markup) never crashes and yields valid UTF-8.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mailveil::html {

class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class TooLarge : public Error {
  public:
    using Error::Error;
};

struct Options {
    std::size_t width = 72;                         // wrap column; clamped to [20, 500]
    bool flowed = false;                            // to_text(): format=flowed output
    bool link_list = true;                          // "[n]" references and the URL list
    std::size_t max_input_bytes = 32 * 1024 * 1024; // larger input throws TooLarge
};

// One output line. `text` excludes the quote prefix but includes list
// indentation and markers.
struct Line {
    enum class Break {
        hard,          // the line ends here in the source (paragraph end, <br>)
        soft_at_space, // the wrapper broke the paragraph at a space
        soft_no_space, // the wrapper broke between two characters (CJK, after a hyphen)
    };
    unsigned quote_depth = 0;
    std::string text;
    Break brk = Break::hard;
    bool operator==(const Line&) const = default;
};

struct Text {
    std::vector<Line> lines; // no leading or trailing blank lines
};

// mime_charset may be empty (not declared); see charset.h for the rules.
Text convert(std::string_view html, std::string_view mime_charset, const Options& options = {});

// Quote prefix "> " per level (">" alone on blank quoted lines); every line ends in "\n".
std::string format_plain(const Text& text);

// RFC 3676 with DelSp=yes: quote markers ">>" then one space, space-stuffing
// of lines starting with " ", ">" or "From ", a trailing space marking each
// soft break. Soft breaks before an indented line (list continuation) are
// made hard, since flowed text cannot carry a hanging indent.
std::string format_flowed(const Text& text);

std::string to_text(std::string_view html, std::string_view mime_charset,
                    const Options& options = {});

} // namespace mailveil::html
