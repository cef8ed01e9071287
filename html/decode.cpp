// decode.cpp - UTF-8 validation and iconv conversion into UTF-8.
#include "html/decode.h"

#include "html/html_to_text.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <iconv.h>
#include <memory>
#include <unistr.h>

namespace mailveil::html {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

struct IconvCloser {
    void operator()(void* cd) const { iconv_close(static_cast<iconv_t>(cd)); }
};
using IconvHandle = std::unique_ptr<void, IconvCloser>;

// glibc's converter for each WHATWG encoding: the Windows supersets, since
// that is what the web (and mail) means by these labels.
std::string iconv_name(std::string_view whatwg) {
    if (whatwg == "Shift_JIS")
        return "CP932";
    if (whatwg == "GBK" || whatwg == "gb18030")
        return "GB18030";
    if (whatwg == "EUC-KR")
        return "CP949";
    if (whatwg == "Big5")
        return "BIG5-HKSCS";
    if (whatwg == "ISO-2022-JP")
        return "ISO-2022-JP-3";
    if (whatwg == "ISO-8859-8-I")
        return "ISO-8859-8";
    if (whatwg == "x-mac-cyrillic")
        return "MAC-CYRILLIC";
    if (whatwg == "macintosh")
        return "MACINTOSH";
    if (whatwg == "IBM866")
        return "CP866";
    if (whatwg.starts_with("windows-"))
        return "CP" + std::string(whatwg.substr(8));
    return std::string(whatwg);
}

bool keep_control(unsigned char c) {
    return c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// Appends valid UTF-8 from `in`, replacing bad sequences and dropping
// controls. Runs of bytes that stay as they are go out in one append.
void append_clean_utf8(std::string& out, std::string_view in) {
    const auto* s = reinterpret_cast<const uint8_t*>(in.data());
    const std::size_t n = in.size();
    std::size_t run = 0; // start of the bytes not yet appended
    std::size_t i = 0;
    while (i < n) {
        // Eight bytes at a time while they are all printable ASCII.
        constexpr std::uint64_t kOnes = 0x0101010101010101u, kHighs = 0x8080808080808080u;
        for (std::uint64_t w; i + 8 <= n; i += 8) {
            std::memcpy(&w, s + i, 8);
            if ((w & kHighs) || ((w - 0x20 * kOnes) & ~w & kHighs))
                break; // a byte >= 0x80 or < 0x20
        }
        if (i >= n)
            break;
        const uint8_t c = s[i];
        if (c < 0x80) {
            if (c < 0x20 && !keep_control(c)) {
                out.append(in.data() + run, i - run);
                run = i + 1;
            }
            ++i;
            continue;
        }
        ucs4_t uc;
        const int len = u8_mbtouc(&uc, s + i, n - i);
        if (uc == 0xFFFD && !(len == 3 && s[i] == 0xEF && s[i + 1] == 0xBF && s[i + 2] == 0xBD)) {
            out.append(in.data() + run, i - run);
            out += kReplacement;
            run = i + static_cast<std::size_t>(len);
        }
        i += static_cast<std::size_t>(len);
    }
    out.append(in.data() + run, n - run);
}

std::string convert_with_iconv(std::string_view bytes, std::string_view encoding) {
    const std::string from = iconv_name(encoding);
    iconv_t raw = iconv_open("UTF-8", from.c_str());
    if (raw == reinterpret_cast<iconv_t>(-1))
        throw Error("iconv cannot convert from " + from);
    IconvHandle cd(raw);
    const bool cp1252 = encoding == "windows-1252";

    std::string converted;
    converted.reserve(bytes.size() + bytes.size() / 2);
    char buffer[16384];
    char* in = const_cast<char*>(bytes.data()); // iconv's signature; it never writes there
    std::size_t in_left = bytes.size();
    auto flush = [&](char* out_pos) { converted.append(buffer, out_pos); };
    while (true) {
        char* out = buffer;
        std::size_t out_left = sizeof buffer;
        const std::size_t rc = in_left > 0 ? iconv(raw, &in, &in_left, &out, &out_left)
                                           : iconv(raw, nullptr, nullptr, &out, &out_left);
        const int err = errno;
        flush(out);
        if (rc != static_cast<std::size_t>(-1)) {
            if (in_left == 0 && out != buffer)
                continue; // drain the shift state flush once more
            if (in_left == 0)
                break;
            continue;
        }
        if (err == E2BIG)
            continue;
        if (err == EILSEQ && cp1252) {
            // 0x81, 0x8D, 0x8F, 0x90, 0x9D: the Encoding Standard maps them to U+0081...
            const auto b = static_cast<unsigned char>(*in);
            converted += static_cast<char>(0xC0 | (b >> 6));
            converted += static_cast<char>(0x80 | (b & 0x3F));
        } else {
            converted += kReplacement;
        }
        if (err == EINVAL) { // incomplete sequence at the end
            in_left = 0;
            continue;
        }
        ++in;
        --in_left;
        iconv(raw, nullptr, nullptr, nullptr, nullptr); // reset shift state after an error
    }
    std::string out;
    out.reserve(converted.size());
    append_clean_utf8(out, converted);
    return out;
}

} // namespace

std::string decode_to_utf8(std::string_view bytes, std::string_view encoding) {
    if (encoding == "UTF-8") {
        std::string out;
        out.reserve(bytes.size());
        append_clean_utf8(out, bytes);
        return out;
    }
    return convert_with_iconv(bytes, encoding);
}

} // namespace mailveil::html
