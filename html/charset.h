// charset.h - decide which character encoding an HTML part is in.
//
// Order (first that applies): a byte order mark; the MIME charset label; a
// <meta charset> or <meta http-equiv=Content-Type> in the first bytes; UTF-8
// when the bytes are valid UTF-8; else windows-1252. Labels are read as the
// WHATWG Encoding Standard does ("latin1", "iso-8859-1", "us-ascii" all mean
// windows-1252; "gb2312" means GBK). A label nobody knows ("default",
// garbage) counts as absent. One refinement: a MIME label that promises
// ASCII while the bytes are not ASCII is not trusted either.
//
// Never fails: the result always names an encoding that decode.h handles.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mailveil::html {

struct Charset {
    enum class Source { bom, mime, meta, utf8_valid, fallback };
    std::string name; // WHATWG name: "UTF-8", "windows-1252", "Shift_JIS", ...
    Source source = Source::fallback;
    std::size_t bom_length = 0; // bytes to skip at the start
};

Charset decide_charset(std::string_view bytes, std::string_view mime_charset);

// WHATWG name for a label (case-insensitive, surrounding whitespace ignored),
// or nothing for an unknown label.
std::optional<std::string> encoding_for_label(std::string_view label);

// The charset label a <meta> element in the first bytes declares, if any.
std::optional<std::string> prescan_meta_charset(std::string_view bytes);

} // namespace mailveil::html
