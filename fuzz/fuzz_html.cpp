// fuzz_html.cpp - libFuzzer target over the whole HTML converter.
//
// Input: one byte choosing the MIME charset label and the options, then the
// HTML bytes. Checks that conversion never crashes, leaks or trips the
// sanitizers, that it fails only with the documented exceptions, and that
// the output is always valid UTF-8 (plain and flowed alike).
#include "html/html_to_text.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <unistr.h>

namespace {

constexpr std::string_view kCharsets[] = {
    "",          "utf-8",   "windows-1252", "iso-8859-1", "us-ascii", "ISO-2022-JP",
    "Shift_JIS", "gb2312",  "euc-kr",       "big5",       "utf-16le", "koi8-r",
    "euc-jp",    "gb18030", "default",      "x-garbage",
};

void require_utf8(const std::string& s) {
    if (u8_check(reinterpret_cast<const uint8_t*>(s.data()), s.size()) != nullptr)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0)
        return 0;
    const uint8_t selector = data[0];
    const std::string_view html(reinterpret_cast<const char*>(data + 1), size - 1);
    mailveil::html::Options options;
    options.width = (selector & 0x10) ? 20 + (selector >> 5) * 9 : 72;
    options.link_list = (selector & 0x08) == 0;
    options.max_input_bytes = 1 << 20;
    try {
        const auto text = mailveil::html::convert(html, kCharsets[selector & 0x0F], options);
        require_utf8(mailveil::html::format_plain(text));
        require_utf8(mailveil::html::format_flowed(text));
    } catch (const mailveil::html::Error&) {
        // TooLarge and parser failures are documented outcomes.
    }
    return 0;
}
