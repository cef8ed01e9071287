// wrap_test.cpp - line filling: width, Unicode breaking, East Asian widths.
#include "convert.h"
#include "html/wrap.h"

#include <catch2/catch.hpp>

using test_html::text;
using test_html::text_width;

TEST_CASE("paragraphs wrap at 72 columns by default", "[html][wrap]") {
    std::string words;
    for (int i = 0; i < 20; ++i)
        words += "word" + std::to_string(i) + " ";
    CHECK(text("<p>" + words + "</p>") ==
          "word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 word10\n"
          "word11 word12 word13 word14 word15 word16 word17 word18 word19\n");
}

TEST_CASE("the width is a setting", "[html][wrap]") {
    CHECK(text_width("<p>aaa bbb ccc ddd eee</p>", 20) == "aaa bbb ccc ddd eee\n");
    CHECK(text_width("<p>aaa bbb ccc ddd eee</p>", 10) == "aaa bbb ccc ddd eee\n"); // 20 at least
    CHECK(text_width("<p>aaaa bbbb cccc dddd eeee</p>", 20) == "aaaa bbbb cccc dddd\neeee\n");
}

TEST_CASE("a word longer than the line stays whole", "[html][wrap]") {
    const std::string word(30, 'x');
    CHECK(text_width("<p>a " + word + " b</p>", 20) == "a\n" + word + "\nb\n");
}

TEST_CASE("CJK text breaks between ideographs, two columns each", "[html][wrap]") {
    // 12 ideographs = 24 columns; at width 20 the first line holds 10.
    const auto lines = mailveil::html::wrap_line("日本語のテキスト漢字です", {}, 20);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].text == "日本語のテキスト漢字");
    CHECK(lines[1].text == "です");
    CHECK(lines[0].soft);
    CHECK_FALSE(lines[0].at_space);
    CHECK(mailveil::html::display_width(lines[0].text) == 20);
}

TEST_CASE("no break before closing punctuation (UAX #14)", "[html][wrap]") {
    // A break before "。" is forbidden, so the last ideograph moves along.
    const auto lines = mailveil::html::wrap_line("一二三四五六七八九十。", {}, 20);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].text == "一二三四五六七八九");
    CHECK(lines[1].text == "十。");
}

TEST_CASE("hyphenated words may break after the hyphen", "[html][wrap]") {
    const auto lines = mailveil::html::wrap_line("state-of-the-art", {}, 10);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].text == "state-of-");
    CHECK(lines[1].text == "the-art");
}

TEST_CASE("no line is over the width except one unbreakable token", "[html][wrap]") {
    std::string html = "<p>";
    for (int i = 0; i < 200; ++i)
        html += (i % 17 == 0 ? "https://example.org/a/really/long/url/" + std::to_string(i)
                             : "w" + std::string(static_cast<std::size_t>(i % 9 + 1), 'o')) +
                " ";
    html += "</p>";
    const std::string out = text_width(html, 40);
    std::size_t start = 0;
    while (start < out.size()) {
        const auto nl = out.find('\n', start);
        const std::string line = out.substr(start, nl - start);
        INFO(line);
        CHECK((line.size() <= 40 || line.find(' ') == std::string::npos));
        start = nl + 1;
    }
}
