// junk_test.cpp - what mail senders add that no reader should see.
#include "convert.h"

#include <catch2/catch.hpp>

using test_html::text;

TEST_CASE("script, style, head and comments are absent", "[html][junk]") {
    CHECK(text("<html><head><title>T</title><style>p{color:red}</style></head><body>"
               "<script>alert(1)</script><!-- note -->Hi<style>.x{}</style></body></html>") ==
          "Hi\n");
}

TEST_CASE("MSO conditional comments are absent; downlevel-revealed content stays", "[html][junk]") {
    CHECK(text("<p>a<!--[if mso]><table><tr><td>Outlook only</td></tr></table><![endif]-->"
               "<!--[if !mso]><!-->b<!--<![endif]--> <![if !vml]>c<![endif]></p>") == "ab c\n");
}

TEST_CASE("hidden elements are absent", "[html][junk]") {
    CHECK(text("<div style=\"display:none;max-height:0\">preheader</div>"
               "<span style=\"DISPLAY: NONE !important\">x</span>"
               "<div style=\"mso-hide:all\">y</div><p hidden>z</p>"
               "<div style=\"max-height:0px;overflow:hidden\">w</div>"
               "<div style=\"visibility:hidden\">v</div><p>Visible</p>") == "Visible\n");
}

TEST_CASE("preheader filler characters are absent", "[html][junk]") {
    CHECK(text("<div>Sale starts now&nbsp;&#847;&zwnj;&nbsp;&#847;&zwnj;&nbsp;&#847;&zwnj;"
               "&nbsp;&#847;&zwnj;&#8203;&nbsp;</div><p>Body</p>") == "Sale starts now\n\nBody\n");
}

TEST_CASE("tracking pixels are absent", "[html][junk]") {
    CHECK(text("<p>Hi<img src=\"https://t.example/open.gif\" width=1 height=1 alt=\"pixel\">"
               "<img src=x.gif style=\"width:0;height:0\" alt=\"t\"></p>") == "Hi\n");
}

TEST_CASE("svg, forms controls and objects are absent", "[html][junk]") {
    CHECK(text("<p>a<svg><text>svgtext</text></svg><select><option>o</option></select>"
               "<input value=v><object>obj</object>b</p>") == "ab\n");
}

TEST_CASE("runs of nbsp collapse; a single nbsp is a space", "[html][junk]") {
    CHECK(text("<p>a&nbsp;&nbsp;&nbsp;b 10&nbsp;km</p>") == "a b 10 km\n");
}

TEST_CASE("classes a style sheet hides are hidden; @media rules are not read", "[html][junk]") {
    CHECK(text("<html><head><style>/* x */ .preheader, span.pre2 { color: red; DISPLAY: none "
               "!important; } .shown { color: blue } @media (max-width: 600px) { .desktop { "
               "display: none } }</style></head><body><span class=\"big preheader\">teaser</span>"
               "<span class=pre2>more</span><p class=shown>Shown</p><p class=desktop>Desktop</p>"
               "</body></html>") == "Shown\n\nDesktop\n");
}

TEST_CASE("legacy references without ';' are decoded as browsers do", "[html][junk]") {
    CHECK(text("<p>&copy 2024 Books &amp Co&nbsp;Ltd</p>") == "\xC2\xA9 2024 Books & Co Ltd\n");
    // longer names, query-style parameters and escaped ampersands stay as written
    CHECK(text("<p>&copyright a&amp=1 &amp;copy x</p>") == "&copyright a&amp=1 &copy x\n");
}
