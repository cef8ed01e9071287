// charset_test.cpp - the charset decision and decoding into UTF-8.
#include "convert.h"
#include "html/charset.h"

#include <catch2/catch.hpp>

using namespace mailveil::html;
using Source = Charset::Source;

namespace {

std::string convert_text(std::string_view html, std::string_view charset) {
    return to_text(html, charset);
}

} // namespace

TEST_CASE("a BOM wins over everything", "[html][charset]") {
    const auto c = decide_charset("\xEF\xBB\xBF<meta charset=koi8-r>x", "iso-8859-2");
    CHECK(c.name == "UTF-8");
    CHECK(c.source == Source::bom);
    CHECK(c.bom_length == 3);
    CHECK(decide_charset("\xFF\xFE<\0p\0", "utf-8").name == "UTF-16LE");
    CHECK(decide_charset("\xFE\xFF\0<", "").name == "UTF-16BE");
}

TEST_CASE("the MIME charset wins over meta", "[html][charset]") {
    const auto c = decide_charset("<meta charset=\"koi8-r\"><p>x", "ISO-8859-2");
    CHECK(c.name == "ISO-8859-2");
    CHECK(c.source == Source::mime);
}

TEST_CASE("meta charset and http-equiv are read when MIME says nothing", "[html][charset]") {
    CHECK(decide_charset("<html><head><meta charset='Shift_JIS'>", "").name == "Shift_JIS");
    const auto c =
        decide_charset("<!-- <meta charset=koi8-r> --><head><META HTTP-EQUIV=\"Content-Type\" "
                       "CONTENT=\"text/html; charset=windows-1251\">",
                       "");
    CHECK(c.name == "windows-1251");
    CHECK(c.source == Source::meta);
    // A meta claiming UTF-16 in a document readable as ASCII means UTF-8.
    CHECK(decide_charset("<meta charset=utf-16>", "").name == "UTF-8");
}

TEST_CASE("without labels, valid UTF-8 is UTF-8, anything else windows-1252", "[html][charset]") {
    CHECK(decide_charset("caf\xC3\xA9", "").source == Source::utf8_valid);
    const auto c = decide_charset("caf\xE9", "");
    CHECK(c.name == "windows-1252");
    CHECK(c.source == Source::fallback);
}

TEST_CASE("unknown labels count as absent", "[html][charset]") {
    CHECK(decide_charset("caf\xE9", "default").name == "windows-1252");
    CHECK(decide_charset("caf\xC3\xA9", "x-garbage-42").name == "UTF-8");
    CHECK(decide_charset("<meta charset=koi8-r>", "default").name == "KOI8-R");
}

TEST_CASE("labels are read as the WHATWG Encoding Standard says", "[html][charset]") {
    for (const char* label :
         {"latin1", "ISO-8859-1", "iso_8859-1", "l1", "cp1252", " Windows-1252 "})
        CHECK(encoding_for_label(label) == "windows-1252");
    CHECK(encoding_for_label("\"utf8\"") == "UTF-8");
    CHECK(encoding_for_label("gb2312") == "GBK");
    CHECK(encoding_for_label("x-sjis") == "Shift_JIS");
    CHECK(encoding_for_label("ks_c_5601-1987") == "EUC-KR");
    CHECK(encoding_for_label("iso-8859-9") == "windows-1254");
    CHECK_FALSE(encoding_for_label("default").has_value());
    CHECK_FALSE(encoding_for_label("").has_value());
}

TEST_CASE("an ASCII label does not cover non-ASCII bytes", "[html][charset]") {
    CHECK(decide_charset("plain", "us-ascii").name == "windows-1252");
    CHECK(decide_charset("plain", "us-ascii").source == Source::mime);
    CHECK(decide_charset("caf\xC3\xA9", "us-ascii").name == "UTF-8");
    CHECK(decide_charset("caf\xE9", "ascii").name == "windows-1252");
}

TEST_CASE("windows-1252 decodes, including latin1 and ascii labels", "[html][charset]") {
    const std::string bytes = "<p>caf\xE9 \x93quoted\x94 \x80</p>";
    const std::string expected = "café “quoted” €\n";
    CHECK(convert_text(bytes, "windows-1252") == expected);
    CHECK(convert_text(bytes, "iso-8859-1") == expected);
    CHECK(convert_text(bytes, "latin1") == expected);
    CHECK(convert_text(bytes, "") == expected);
    // Unassigned bytes are no U+FFFD: they map to invisible C1 controls.
    CHECK(convert_text("<p>a\x81\x8D"
                       "b</p>",
                       "windows-1252") == "ab\n");
}

TEST_CASE("a wrong meta cannot switch the encoding", "[html][charset]") {
    CHECK(convert_text("<meta charset=iso-8859-1><p>caf\xC3\xA9</p>", "utf-8") == "café\n");
    CHECK(convert_text("<meta http-equiv=content-type content='text/html; charset=utf-8'>"
                       "<p>caf\xE9</p>",
                       "windows-1252") == "café\n");
}

TEST_CASE("CJK encodings decode", "[html][charset]") {
    CHECK(convert_text("<p>\x1B\x24\x42\x46\x7C\x4B\x5C\x38\x6C\x24\x4E\x25\x61\x21\x3C\x25\x6B"
                       "\x1B\x28\x42</p>",
                       "ISO-2022-JP") == "日本語のメール\n");
    CHECK(convert_text("<p>\x93\xFA\x96\x7B\x8C\xEA\x82\xCC\x83\x81\x81\x5B\x83\x8B</p>",
                       "Shift_JIS") == "日本語のメール\n");
    CHECK(convert_text("<p>\xD6\xD0\xCE\xC4\xD3\xCA\xBC\xFE</p>", "gb2312") == "中文邮件\n");
    CHECK(convert_text("<p>\xC7\xD1\xB1\xB9\xBE\xEE\x20\xB8\xDE\xC0\xCF</p>", "euc-kr") ==
          "한국어 메일\n");
    CHECK(convert_text("<meta charset=koi8-r><p>\xF0\xD2\xC9\xD7\xC5\xD4</p>", "") == "Привет\n");
}

TEST_CASE("UTF-16 with a BOM decodes", "[html][charset]") {
    const std::string le("\xFF\xFE<\0p\0>\0h\0i\0", 12);
    CHECK(convert_text(le, "") == "hi\n");
}

TEST_CASE("undecodable bytes become U+FFFD, decodable ones never do", "[html][charset]") {
    CHECK(convert_text("<p>a\xFF"
                       "b</p>",
                       "utf-8") == "a\xEF\xBF\xBD"
                                   "b\n");
    CHECK(convert_text("<p>\x93\xFA\xFF</p>", "Shift_JIS") == "日\xEF\xBF\xBD\n");
}
