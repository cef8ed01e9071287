// links_test.cpp - link references and the URL list.
#include "convert.h"

#include <catch2/catch.hpp>

using test_html::text;
using test_html::text_width;

TEST_CASE("link text gets a reference, URLs are listed at the end", "[html][links]") {
    CHECK(text("<p>Read <a href=\"https://example.org/a\">the post</a> and "
               "<a href=\"https://example.org/b\">this</a>.</p>") ==
          "Read the post [1] and this [2].\n\n"
          "[1] https://example.org/a\n[2] https://example.org/b\n");
}

TEST_CASE("the same URL keeps its number", "[html][links]") {
    CHECK(text("<p><a href=\"https://x.example/\">one</a> <a href=\"https://y.example/\">two</a> "
               "<a href=\"https://x.example/\">three</a></p>") ==
          "one [1] two [2] three [1]\n\n[1] https://x.example/\n[2] https://y.example/\n");
}

TEST_CASE("a link whose text is its URL shows once", "[html][links]") {
    CHECK(text("<p>See <a href=\"https://example.org/x\">https://example.org/x</a> now, or "
               "write to <a href=\"mailto:bob@example.org\">bob@example.org</a>.</p>") ==
          "See https://example.org/x now, or write to bob@example.org.\n");
}

TEST_CASE("fragment and javascript links get no reference", "[html][links]") {
    CHECK(text("<p><a href=\"#top\">Top</a> <a href=\"javascript:void(0)\">Click</a> "
               "<a href=\" JavaScript:x()\">Here</a> <a>Anchor</a></p>") ==
          "Top Click Here Anchor\n");
}

TEST_CASE("a link around blocks puts its number after their text", "[html][links]") {
    CHECK(text("<a href=\"https://shop.example/sale\"><div><h2>Big sale</h2></div></a><p>x</p>") ==
          "Big sale [1]\n------------\n\nx\n\n[1] https://shop.example/sale\n");
}

TEST_CASE("an image link without alt text still gets its reference", "[html][links]") {
    CHECK(text("<p><a href=\"https://example.org/\"><img src=logo.png></a> Hello</p>") ==
          "[1] Hello\n\n[1] https://example.org/\n");
    CHECK(text("<p><a href=\"https://example.org/\"><img src=logo.png alt=\"ACME\"></a></p>") ==
          "[ACME] [1]\n\n[1] https://example.org/\n");
}

TEST_CASE("URLs are never broken by wrapping", "[html][links]") {
    const std::string url = "https://example.org/very/long/path-with-hyphens/and?query=1&x=y";
    CHECK(text_width("<p>Go to " + url + " today</p>", 30) == "Go to\n" + url + "\ntoday\n");
    CHECK(text_width("<p>Go to <a href=\"" + url + "\">" + url + "</a> today</p>", 30) ==
          "Go to\n" + url + "\ntoday\n");
}

TEST_CASE("a reference stays on the line of its link text", "[html][links]") {
    // Without the glue the line would end "dddd" and the next start "[1]".
    CHECK(text_width("<p>aaaa bbbb cccc <a href=\"https://e.example/\">dddd</a> ff</p>", 20) ==
          "aaaa bbbb cccc\ndddd [1] ff\n\n[1] https://e.example/\n");
}

TEST_CASE("whitespace inside an href does not break the URL", "[html][links]") {
    CHECK(text("<p><a href=\"\n https://example.org/a b\n\">x</a></p>") ==
          "x [1]\n\n[1] https://example.org/a%20b\n");
}

TEST_CASE("relative links resolve against base href", "[html][links]") {
    CHECK(text("<html><head><base href=\"https://news.example/issue/\"></head>"
               "<body><a href=\"42.html\">Issue</a></body></html>") ==
          "Issue [1]\n\n[1] https://news.example/issue/42.html\n");
}
