// robustness_test.cpp - hostile input: limits, depth, broken markup, bytes.
#include "convert.h"

#include <catch2/catch.hpp>
#include <unistr.h>

using namespace mailveil::html;
using test_html::text;

namespace {

bool valid_utf8(const std::string& s) {
    return u8_check(reinterpret_cast<const uint8_t*>(s.data()), s.size()) == nullptr;
}

} // namespace

TEST_CASE("input over the size limit throws TooLarge", "[html][robustness]") {
    Options o;
    o.max_input_bytes = 100;
    CHECK_THROWS_AS(to_text(std::string(101, 'a'), "", o), TooLarge);
    CHECK_NOTHROW(to_text(std::string(100, 'a'), "", o));
}

TEST_CASE("empty and whitespace-only input give empty text", "[html][robustness]") {
    CHECK(text("") == "");
    CHECK(text("   \n ") == "");
    CHECK(text("<html><body></body></html>") == "");
}

TEST_CASE("deep nesting neither crashes nor indents without end", "[html][robustness]") {
    std::string deep;
    for (int i = 0; i < 100000; ++i)
        deep += "<div><blockquote><ul><li>";
    deep += "bottom";
    const std::string out = text(deep);
    CHECK(valid_utf8(out));
    std::size_t start = 0;
    while (start < out.size()) {
        const auto nl = out.find('\n', start);
        CHECK(nl - start <= 72);
        start = nl + 1;
    }
}

TEST_CASE("a long nested reply thread stays readable", "[html][robustness]") {
    std::string html;
    for (int i = 0; i < 40; ++i)
        html += "<p>level " + std::to_string(i) + "</p><blockquote>";
    html += "<p>the oldest mail with a few words to wrap around the line end</p>";
    const std::string out = text(html);
    CHECK(out.find("level 39") != std::string::npos);
    CHECK(out.find("oldest mail") != std::string::npos);
}

TEST_CASE("broken markup is repaired", "[html][robustness]") {
    CHECK(text("<p>one<p>two</div></span> <b>three") == "one\n\ntwo three\n");
    CHECK(text("<table><td>cell<tr>row</table>after") == "cell\n\nrow\n\nafter\n");
    CHECK(text("<p>a <b>bold <i>both</b> italic</i> b") == "a bold both italic b\n");
}

TEST_CASE("NUL and control bytes are dropped, output stays valid UTF-8", "[html][robustness]") {
    static constexpr char kBytes[] = "<p>a\0b\x01"
                                     "c\x7F"
                                     "d</p>\xC3";
    const std::string html(kBytes, sizeof kBytes - 1);
    const std::string out = text(html);
    CHECK(valid_utf8(out));
    CHECK(out == "abcd\n\n\xEF\xBF\xBD\n"); // the stray byte follows the paragraph
}

TEST_CASE("the output has no tags, entities or CSS", "[html][robustness]") {
    const std::string out =
        text("<html><head><style>@media screen{.a{color:red}}</style></head><body>"
             "<p style=\"color:red\">T&amp;C &copy; 2024</p><div class=x>x &lt; y</div></body>");
    CHECK(out == "T&C © 2024\n\nx < y\n");
}
