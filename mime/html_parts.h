// html_parts.h - a message's text/html parts made into text/plain, or given a text/plain sibling.
//
// rewrite_html() applies one of three modes to a received message and returns
// the whole rewritten message, or nullopt when the mode changes nothing (no
// HTML, mode keep, only HTML attachments, a signed or encrypted message).
//
//  - Keep: nothing.
//  - Text: the message carries no HTML a client would display.
//     * a text/html part that is not an attachment becomes a text/plain part
//       with the converter's text (html/html_to_text.h), the part's charset
//       parameter handed to the converter;
//     * in a multipart/alternative with a text/plain child, that child is kept
//       as it is and the HTML alternatives are dropped (a text/html child, or a
//       multipart/related whose root is one); an alternative left with a single
//       child is replaced by that child (an alternative of one is noise that
//       some clients show as an empty choice);
//     * a multipart/related whose root (the "start" parameter, else the first
//       child) holds the HTML is replaced by its converted root: the inline
//       parts it carried (images referenced by cid:) are dropped, since text
//       cannot show them; related children marked as attachments are kept, with
//       the text, in a new multipart/mixed.
//  - Alternative: a text/html part that is not an attachment and not already
//    inside a multipart/alternative is replaced by a new multipart/alternative
//    of a generated text/plain part (first) and the original part (last); for
//    a multipart/related with an HTML root, the related container is what the
//    alternative offers beside the text. Existing alternatives stay as they are.
//
// Generated parts: "text/plain; charset=utf-8" (plus "format=flowed;
// delsp=yes" when flowed), 7bit when the text is short-lined ASCII, else
// quoted-printable; no other fields (the HTML part's Content-Disposition,
// Content-ID and file name would describe a different document).
//
// Never touched: parts with "Content-Disposition: attachment" (HTML files sent
// as files), everything inside multipart/signed (its signature covers the
// bytes) and multipart/encrypted, attached messages (message/rfc822), and
// anything nested deeper than kMaxHtmlDepth multiparts. A part the converter
// cannot read (html::Error, such as input over its size limit) stays as it is
// rather than failing the message.
//
// A spooled message (a big one, whose body stays in its spool file;
// mime/parsed_message.h) is rewritten by rewrite_html_spooled() instead: the
// same result, its body written to a new spool file beside the original, so
// only the HTML parts being converted are read into memory.
//
// The result: every top-level header field as received, byte for byte; when
// the top-level entity itself changed, the Content-* fields are dropped and the
// new entity's Content-* fields follow the others (with "MIME-Version: 1.0" if
// the message had none). Parts that did not change keep their header fields
// and encoded bytes. Line ends follow the message's (LF or CRLF).
//
// Failure: throws MessageError when GMime cannot parse or write the entity.
#pragma once

#include "mime/parsed_message.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mailveil::mime {

enum class HtmlMode { Keep, Text, Alternative };

// "keep", "text", "alternative" (lower case, as in the configuration).
std::optional<HtmlMode> parse_html_mode(std::string_view name);
std::string_view html_mode_name(HtmlMode mode);

struct HtmlOptions {
    HtmlMode mode = HtmlMode::Keep;
    std::size_t width = 72; // wrap column of the generated text
    bool flowed = false;    // format=flowed; delsp=yes (RFC 3676)
};

// Multipart nesting below which no part is rewritten.
inline constexpr int kMaxHtmlDepth = 32;

std::optional<std::string> rewrite_html(const ParsedMessage& message, const HtmlOptions& options);
std::optional<ParsedMessage> rewrite_html_spooled(const ParsedMessage& message,
                                                  const HtmlOptions& options);

} // namespace mailveil::mime
