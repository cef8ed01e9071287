// flowed_test.cpp - RFC 3676 format=flowed, DelSp=yes.
#include "convert.h"

#include <catch2/catch.hpp>

using namespace mailveil::html;

namespace {

std::string flowed(std::string_view html, std::size_t width = 72) {
    Options o;
    o.flowed = true;
    o.width = width;
    return to_text(html, "utf-8", o);
}

} // namespace

TEST_CASE("soft breaks end in a space; DelSp keeps the original space", "[html][flowed]") {
    CHECK(flowed("<p>aaaa bbbb cccc dddd eeee</p>", 20) == "aaaa bbbb cccc dddd  \neeee\n");
}

TEST_CASE("a CJK soft break adds only the deleted space", "[html][flowed]") {
    CHECK(flowed("<p>一二三四五六七八九十一二</p>", 20) == "一二三四五六七八九十 \n一二\n");
}

TEST_CASE("hard breaks and blank lines carry no trailing space", "[html][flowed]") {
    CHECK(flowed("<p>one<br>two</p><p>three</p>") == "one\ntwo\n\nthree\n");
}

TEST_CASE("quotes use '>' per level and one stuffing space", "[html][flowed]") {
    CHECK(flowed("<p>a</p><blockquote>b<blockquote>c</blockquote></blockquote>") ==
          "a\n\n> b\n>\n>> c\n");
}

TEST_CASE("lines starting with space, '>' or 'From ' are space-stuffed", "[html][flowed]") {
    CHECK(flowed("<p>From here</p><p>&gt; not a quote</p><pre> indented</pre>") ==
          " From here\n\n > not a quote\n\n  indented\n");
}

TEST_CASE("wrapped list items break hard to keep their indentation", "[html][flowed]") {
    CHECK(flowed("<ul><li>one two three four five six</li></ul>", 20) ==
          "* one two three four\n   five six\n");
}

TEST_CASE("format_flowed and format_plain share one conversion", "[html][flowed]") {
    const Text t = convert("<blockquote><p>aaaa bbbb cccc dddd eeee</p></blockquote>", "utf-8",
                           Options{.width = 20});
    REQUIRE(t.lines.size() == 2);
    CHECK(t.lines[0] == Line{1, "aaaa bbbb cccc", Line::Break::soft_at_space});
    CHECK(format_plain(t) == "> aaaa bbbb cccc\n> dddd eeee\n");
    CHECK(format_flowed(t) == "> aaaa bbbb cccc  \n> dddd eeee\n");
}
