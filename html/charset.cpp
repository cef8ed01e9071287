// charset.cpp - BOM, MIME label, <meta> prescan, UTF-8 sniffing, fallback.
// See charset.h for the order of the rules.
#include "html/charset.h"

#include "html/ascii.h"

#include <algorithm>
#include <array>
#include <unistr.h>

namespace mailveil::html {
namespace {

struct LabelEntry {
    std::string_view label;
    std::string_view name;
};

// Labels from the WHATWG Encoding Standard (plus "cp125x", "cp932", which
// mailers write too). Sorted by label for binary search.
constexpr auto kLabels = std::to_array<LabelEntry>({
    {"866", "IBM866"},
    {"ansi_x3.4-1968", "windows-1252"},
    {"arabic", "ISO-8859-6"},
    {"ascii", "windows-1252"},
    {"asmo-708", "ISO-8859-6"},
    {"big5", "Big5"},
    {"big5-hkscs", "Big5"},
    {"chinese", "GBK"},
    {"cn-big5", "Big5"},
    {"cp1250", "windows-1250"},
    {"cp1251", "windows-1251"},
    {"cp1252", "windows-1252"},
    {"cp1253", "windows-1253"},
    {"cp1254", "windows-1254"},
    {"cp1255", "windows-1255"},
    {"cp1256", "windows-1256"},
    {"cp1257", "windows-1257"},
    {"cp1258", "windows-1258"},
    {"cp819", "windows-1252"},
    {"cp866", "IBM866"},
    {"cp932", "Shift_JIS"},
    {"cp936", "GBK"},
    {"cp949", "EUC-KR"},
    {"csbig5", "Big5"},
    {"cseuckr", "EUC-KR"},
    {"cseucpkdfmtjapanese", "EUC-JP"},
    {"csgb2312", "GBK"},
    {"csibm866", "IBM866"},
    {"csiso2022jp", "ISO-2022-JP"},
    {"csiso58gb231280", "GBK"},
    {"csiso88596e", "ISO-8859-6"},
    {"csiso88596i", "ISO-8859-6"},
    {"csiso88598e", "ISO-8859-8"},
    {"csiso88598i", "ISO-8859-8-I"},
    {"csisolatin1", "windows-1252"},
    {"csisolatin2", "ISO-8859-2"},
    {"csisolatin3", "ISO-8859-3"},
    {"csisolatin4", "ISO-8859-4"},
    {"csisolatin5", "windows-1254"},
    {"csisolatin6", "ISO-8859-10"},
    {"csisolatin9", "ISO-8859-15"},
    {"csisolatinarabic", "ISO-8859-6"},
    {"csisolatincyrillic", "ISO-8859-5"},
    {"csisolatingreek", "ISO-8859-7"},
    {"csisolatinhebrew", "ISO-8859-8"},
    {"cskoi8r", "KOI8-R"},
    {"csksc56011987", "EUC-KR"},
    {"csmacintosh", "macintosh"},
    {"csshiftjis", "Shift_JIS"},
    {"csunicode", "UTF-16LE"},
    {"cyrillic", "ISO-8859-5"},
    {"dos-874", "windows-874"},
    {"ecma-114", "ISO-8859-6"},
    {"ecma-118", "ISO-8859-7"},
    {"elot_928", "ISO-8859-7"},
    {"euc-jp", "EUC-JP"},
    {"euc-kr", "EUC-KR"},
    {"gb18030", "gb18030"},
    {"gb2312", "GBK"},
    {"gb_2312", "GBK"},
    {"gb_2312-80", "GBK"},
    {"gbk", "GBK"},
    {"greek", "ISO-8859-7"},
    {"greek8", "ISO-8859-7"},
    {"hebrew", "ISO-8859-8"},
    {"ibm367", "windows-1252"},
    {"ibm819", "windows-1252"},
    {"ibm866", "IBM866"},
    {"iso-10646-ucs-2", "UTF-16LE"},
    {"iso-2022-jp", "ISO-2022-JP"},
    {"iso-8859-1", "windows-1252"},
    {"iso-8859-10", "ISO-8859-10"},
    {"iso-8859-11", "windows-874"},
    {"iso-8859-13", "ISO-8859-13"},
    {"iso-8859-14", "ISO-8859-14"},
    {"iso-8859-15", "ISO-8859-15"},
    {"iso-8859-16", "ISO-8859-16"},
    {"iso-8859-2", "ISO-8859-2"},
    {"iso-8859-3", "ISO-8859-3"},
    {"iso-8859-4", "ISO-8859-4"},
    {"iso-8859-5", "ISO-8859-5"},
    {"iso-8859-6", "ISO-8859-6"},
    {"iso-8859-6-e", "ISO-8859-6"},
    {"iso-8859-6-i", "ISO-8859-6"},
    {"iso-8859-7", "ISO-8859-7"},
    {"iso-8859-8", "ISO-8859-8"},
    {"iso-8859-8-e", "ISO-8859-8"},
    {"iso-8859-8-i", "ISO-8859-8-I"},
    {"iso-8859-9", "windows-1254"},
    {"iso-ir-100", "windows-1252"},
    {"iso-ir-101", "ISO-8859-2"},
    {"iso-ir-109", "ISO-8859-3"},
    {"iso-ir-110", "ISO-8859-4"},
    {"iso-ir-126", "ISO-8859-7"},
    {"iso-ir-127", "ISO-8859-6"},
    {"iso-ir-138", "ISO-8859-8"},
    {"iso-ir-144", "ISO-8859-5"},
    {"iso-ir-148", "windows-1254"},
    {"iso-ir-149", "EUC-KR"},
    {"iso-ir-157", "ISO-8859-10"},
    {"iso-ir-58", "GBK"},
    {"iso646-us", "windows-1252"},
    {"iso8859-1", "windows-1252"},
    {"iso8859-10", "ISO-8859-10"},
    {"iso8859-11", "windows-874"},
    {"iso8859-13", "ISO-8859-13"},
    {"iso8859-14", "ISO-8859-14"},
    {"iso8859-15", "ISO-8859-15"},
    {"iso8859-2", "ISO-8859-2"},
    {"iso8859-3", "ISO-8859-3"},
    {"iso8859-4", "ISO-8859-4"},
    {"iso8859-5", "ISO-8859-5"},
    {"iso8859-6", "ISO-8859-6"},
    {"iso8859-7", "ISO-8859-7"},
    {"iso8859-8", "ISO-8859-8"},
    {"iso8859-9", "windows-1254"},
    {"iso88591", "windows-1252"},
    {"iso885910", "ISO-8859-10"},
    {"iso885911", "windows-874"},
    {"iso885913", "ISO-8859-13"},
    {"iso885914", "ISO-8859-14"},
    {"iso885915", "ISO-8859-15"},
    {"iso88592", "ISO-8859-2"},
    {"iso88593", "ISO-8859-3"},
    {"iso88594", "ISO-8859-4"},
    {"iso88595", "ISO-8859-5"},
    {"iso88596", "ISO-8859-6"},
    {"iso88597", "ISO-8859-7"},
    {"iso88598", "ISO-8859-8"},
    {"iso88599", "windows-1254"},
    {"iso_8859-1", "windows-1252"},
    {"iso_8859-15", "ISO-8859-15"},
    {"iso_8859-1:1987", "windows-1252"},
    {"iso_8859-2", "ISO-8859-2"},
    {"iso_8859-2:1987", "ISO-8859-2"},
    {"iso_8859-3", "ISO-8859-3"},
    {"iso_8859-3:1988", "ISO-8859-3"},
    {"iso_8859-4", "ISO-8859-4"},
    {"iso_8859-4:1988", "ISO-8859-4"},
    {"iso_8859-5", "ISO-8859-5"},
    {"iso_8859-5:1988", "ISO-8859-5"},
    {"iso_8859-6", "ISO-8859-6"},
    {"iso_8859-6:1987", "ISO-8859-6"},
    {"iso_8859-7", "ISO-8859-7"},
    {"iso_8859-7:1987", "ISO-8859-7"},
    {"iso_8859-8", "ISO-8859-8"},
    {"iso_8859-8:1988", "ISO-8859-8"},
    {"iso_8859-9", "windows-1254"},
    {"iso_8859-9:1989", "windows-1254"},
    {"koi", "KOI8-R"},
    {"koi8", "KOI8-R"},
    {"koi8-r", "KOI8-R"},
    {"koi8-ru", "KOI8-U"},
    {"koi8-u", "KOI8-U"},
    {"koi8_r", "KOI8-R"},
    {"korean", "EUC-KR"},
    {"ks_c_5601-1987", "EUC-KR"},
    {"ks_c_5601-1989", "EUC-KR"},
    {"ksc5601", "EUC-KR"},
    {"ksc_5601", "EUC-KR"},
    {"l1", "windows-1252"},
    {"l2", "ISO-8859-2"},
    {"l3", "ISO-8859-3"},
    {"l4", "ISO-8859-4"},
    {"l5", "windows-1254"},
    {"l6", "ISO-8859-10"},
    {"l9", "ISO-8859-15"},
    {"latin1", "windows-1252"},
    {"latin2", "ISO-8859-2"},
    {"latin3", "ISO-8859-3"},
    {"latin4", "ISO-8859-4"},
    {"latin5", "windows-1254"},
    {"latin6", "ISO-8859-10"},
    {"logical", "ISO-8859-8-I"},
    {"mac", "macintosh"},
    {"macintosh", "macintosh"},
    {"ms932", "Shift_JIS"},
    {"ms_kanji", "Shift_JIS"},
    {"shift-jis", "Shift_JIS"},
    {"shift_jis", "Shift_JIS"},
    {"sjis", "Shift_JIS"},
    {"sun_eu_greek", "ISO-8859-7"},
    {"tis-620", "windows-874"},
    {"ucs-2", "UTF-16LE"},
    {"unicode", "UTF-16LE"},
    {"unicode-1-1-utf-8", "UTF-8"},
    {"unicode11utf8", "UTF-8"},
    {"unicode20utf8", "UTF-8"},
    {"unicodefeff", "UTF-16LE"},
    {"unicodefffe", "UTF-16BE"},
    {"us-ascii", "windows-1252"},
    {"utf-16", "UTF-16LE"},
    {"utf-16be", "UTF-16BE"},
    {"utf-16le", "UTF-16LE"},
    {"utf-8", "UTF-8"},
    {"utf8", "UTF-8"},
    {"visual", "ISO-8859-8"},
    {"windows-1250", "windows-1250"},
    {"windows-1251", "windows-1251"},
    {"windows-1252", "windows-1252"},
    {"windows-1253", "windows-1253"},
    {"windows-1254", "windows-1254"},
    {"windows-1255", "windows-1255"},
    {"windows-1256", "windows-1256"},
    {"windows-1257", "windows-1257"},
    {"windows-1258", "windows-1258"},
    {"windows-31j", "Shift_JIS"},
    {"windows-874", "windows-874"},
    {"windows-949", "EUC-KR"},
    {"x-cp1250", "windows-1250"},
    {"x-cp1251", "windows-1251"},
    {"x-cp1252", "windows-1252"},
    {"x-cp1253", "windows-1253"},
    {"x-cp1254", "windows-1254"},
    {"x-cp1255", "windows-1255"},
    {"x-cp1256", "windows-1256"},
    {"x-cp1257", "windows-1257"},
    {"x-cp1258", "windows-1258"},
    {"x-euc-jp", "EUC-JP"},
    {"x-gbk", "GBK"},
    {"x-mac-cyrillic", "x-mac-cyrillic"},
    {"x-mac-roman", "macintosh"},
    {"x-mac-ukrainian", "x-mac-cyrillic"},
    {"x-sjis", "Shift_JIS"},
    {"x-unicode20utf8", "UTF-8"},
    {"x-user-defined", "windows-1252"},
    {"x-x-big5", "Big5"},
});

// Labels that promise plain ASCII.
constexpr auto kAsciiLabels = std::to_array<std::string_view>(
    {"ansi_x3.4-1968", "ascii", "ibm367", "iso646-us", "us-ascii", "cp367", "csascii", "us"});

bool is_space(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

std::string normalise_label(std::string_view label) {
    while (!label.empty() && is_space(static_cast<unsigned char>(label.front())))
        label.remove_prefix(1);
    while (!label.empty() && is_space(static_cast<unsigned char>(label.back())))
        label.remove_suffix(1);
    // MIME parameters may arrive quoted.
    if (label.size() >= 2 && (label.front() == '"' || label.front() == '\'') &&
        label.back() == label.front())
        label = label.substr(1, label.size() - 2);
    std::string out(label);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; });
    return out;
}

bool is_ascii(std::string_view bytes) {
    return std::all_of(bytes.begin(), bytes.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool is_valid_utf8(std::string_view bytes) {
    return u8_check(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()) == nullptr;
}

// A tiny tokenizer for the attributes of one tag, after the WHATWG prescan.
class AttributeReader {
  public:
    AttributeReader(std::string_view s, std::size_t pos) : s_(s), pos_(pos) {}

    // Next attribute of the tag; false at '>' or the end.
    bool next(std::string& name, std::string& value) {
        name.clear();
        value.clear();
        while (pos_ < s_.size() && (is_space(s_[pos_]) || s_[pos_] == '/'))
            ++pos_;
        if (pos_ >= s_.size() || s_[pos_] == '>')
            return false;
        while (pos_ < s_.size() && !is_space(s_[pos_]) && s_[pos_] != '=' && s_[pos_] != '>' &&
               s_[pos_] != '/')
            name += ascii_lower(s_[pos_++]);
        while (pos_ < s_.size() && is_space(s_[pos_]))
            ++pos_;
        if (pos_ >= s_.size() || s_[pos_] != '=')
            return true;
        ++pos_;
        while (pos_ < s_.size() && is_space(s_[pos_]))
            ++pos_;
        if (pos_ < s_.size() && (s_[pos_] == '"' || s_[pos_] == '\'')) {
            const char quote = s_[pos_++];
            while (pos_ < s_.size() && s_[pos_] != quote)
                value += s_[pos_++];
            if (pos_ < s_.size())
                ++pos_;
        } else {
            while (pos_ < s_.size() && !is_space(s_[pos_]) && s_[pos_] != '>')
                value += s_[pos_++];
        }
        return true;
    }
    std::size_t position() const { return pos_; }

  private:
    std::string_view s_;
    std::size_t pos_;
};

// "text/html; charset=foo" -> "foo"
std::optional<std::string> charset_from_content(std::string_view content) {
    std::string lowered(content);
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](char c) { return ascii_lower(c); });
    const auto at = lowered.find("charset");
    if (at == std::string::npos)
        return std::nullopt;
    std::size_t i = at + 7;
    while (i < lowered.size() && is_space(lowered[i]))
        ++i;
    if (i >= lowered.size() || lowered[i] != '=')
        return std::nullopt;
    ++i;
    while (i < lowered.size() && is_space(lowered[i]))
        ++i;
    std::string value;
    if (i < lowered.size() && (lowered[i] == '"' || lowered[i] == '\'')) {
        const char quote = lowered[i++];
        while (i < lowered.size() && lowered[i] != quote)
            value += lowered[i++];
    } else {
        while (i < lowered.size() && !is_space(lowered[i]) && lowered[i] != ';')
            value += lowered[i++];
    }
    if (value.empty())
        return std::nullopt;
    return value;
}

} // namespace

std::optional<std::string> encoding_for_label(std::string_view label) {
    const std::string key = normalise_label(label);
    const auto it = std::lower_bound(
        kLabels.begin(), kLabels.end(), key,
        [](const LabelEntry& e, const std::string& k) { return e.label < std::string_view(k); });
    if (it == kLabels.end() || it->label != key)
        return std::nullopt;
    return std::string(it->name);
}

std::optional<std::string> prescan_meta_charset(std::string_view bytes) {
    // The Encoding Standard scans 1024 bytes; mail templates often carry a long
    // <head> first, so look further but stop at <body.
    constexpr std::size_t kLimit = 16 * 1024;
    const std::string_view s = bytes.substr(0, std::min(bytes.size(), kLimit));
    std::size_t i = 0;
    std::string name, value;
    while (i < s.size()) {
        const auto lt = s.find('<', i);
        if (lt == std::string_view::npos)
            break;
        i = lt;
        if (starts_with_ci(s, i, "<!--")) {
            const auto end = s.find("-->", i + 4);
            if (end == std::string_view::npos)
                break;
            i = end + 3;
            continue;
        }
        if (starts_with_ci(s, i, "<body"))
            break;
        if (starts_with_ci(s, i, "<meta") && i + 5 < s.size() &&
            (is_space(s[i + 5]) || s[i + 5] == '/')) {
            AttributeReader reader(s, i + 5);
            bool http_equiv_content_type = false;
            std::optional<std::string> from_charset, from_content;
            while (reader.next(name, value)) {
                if (name == "charset" && !from_charset)
                    from_charset = value;
                else if (name == "http-equiv")
                    http_equiv_content_type = normalise_label(value) == "content-type";
                else if (name == "content" && !from_content)
                    from_content = charset_from_content(value);
            }
            i = reader.position();
            if (from_charset)
                return from_charset;
            if (http_equiv_content_type && from_content)
                return from_content;
            continue;
        }
        const auto gt = s.find('>', i + 1);
        if (gt == std::string_view::npos)
            break;
        i = gt + 1;
    }
    return std::nullopt;
}

Charset decide_charset(std::string_view bytes, std::string_view mime_charset) {
    if (bytes.starts_with("\xEF\xBB\xBF"))
        return {"UTF-8", Charset::Source::bom, 3};
    if (bytes.starts_with("\xFF\xFE"))
        return {"UTF-16LE", Charset::Source::bom, 2};
    if (bytes.starts_with("\xFE\xFF"))
        return {"UTF-16BE", Charset::Source::bom, 2};

    if (auto name = encoding_for_label(mime_charset)) {
        const std::string key = normalise_label(mime_charset);
        const bool promises_ascii =
            std::find(kAsciiLabels.begin(), kAsciiLabels.end(), key) != kAsciiLabels.end();
        if (!promises_ascii || is_ascii(bytes))
            return {std::move(*name), Charset::Source::mime, 0};
    }

    if (auto label = prescan_meta_charset(bytes)) {
        if (auto name = encoding_for_label(*label)) {
            // A document that could be read to find the meta is not UTF-16.
            if (name->starts_with("UTF-16"))
                *name = "UTF-8";
            return {std::move(*name), Charset::Source::meta, 0};
        }
    }

    if (is_valid_utf8(bytes))
        return {"UTF-8", Charset::Source::utf8_valid, 0};
    return {"windows-1252", Charset::Source::fallback, 0};
}

} // namespace mailveil::html
