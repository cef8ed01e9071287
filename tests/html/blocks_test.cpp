// blocks_test.cpp - whitespace, paragraphs, breaks, headings, rules, pre, quotes.
#include "convert.h"

#include <catch2/catch.hpp>

using test_html::text;
using test_html::text_width;

TEST_CASE("whitespace collapses as in a browser", "[html][blocks]") {
    CHECK(text("<p>  Hello \n\t  world  </p>") == "Hello world\n");
    CHECK(text("<p>one <b>two</b> <i> three</i>four</p>") == "one two threefour\n");
    CHECK(text("<p>a<span> </span><span> </span>b</p>") == "a b\n");
}

TEST_CASE("inline tags never glue words nor double spaces", "[html][blocks]") {
    CHECK(text("<p><span>Hello</span>\n<span>there</span></p>") == "Hello there\n");
    CHECK(text("<p>end of<a href=\"#x\"> link </a>text</p>") == "end of link text\n");
}

TEST_CASE("block elements start new lines", "[html][blocks]") {
    CHECK(text("<div>one</div><div>two</div>text<div>three</div>") == "one\ntwo\ntext\nthree\n");
}

TEST_CASE("paragraphs are separated by exactly one blank line", "[html][blocks]") {
    CHECK(text("<p>one</p><p>two</p><p></p><p>three</p>") == "one\n\ntwo\n\nthree\n");
    CHECK(text("<p>one</p><br><br><br><p>two</p>") == "one\n\ntwo\n");
}

TEST_CASE("br is a line break; a trailing br adds nothing", "[html][blocks]") {
    CHECK(text("<p>one<br>two<br></p><p>three</p>") == "one\ntwo\n\nthree\n");
    CHECK(text("<div>Hi,<br><br>text</div>") == "Hi,\n\ntext\n");
}

TEST_CASE("Gmail's empty div and Outlook's nbsp paragraph are blank lines", "[html][blocks]") {
    CHECK(text("<div>one</div><div><br></div><div>two</div>") == "one\n\ntwo\n");
    CHECK(text("<p class=MsoNormal>one</p><p class=MsoNormal>two</p>"
               "<p class=MsoNormal>&nbsp;</p><p class=MsoNormal>three</p>") ==
          "one\ntwo\n\nthree\n");
}

TEST_CASE("headings are set apart; h1 and h2 underlined", "[html][blocks]") {
    CHECK(text("<p>intro</p><h1>Big news</h1><h2>Part one</h2><h3>Detail</h3><p>body</p>") ==
          "intro\n\nBig news\n========\n\nPart one\n--------\n\nDetail\n\nbody\n");
}

TEST_CASE("hr is a line of dashes", "[html][blocks]") {
    CHECK(text_width("<p>a</p><hr><p>b</p>", 20) == "a\n\n--------------------\n\nb\n");
}

TEST_CASE("pre keeps its text verbatim and unwrapped", "[html][blocks]") {
    const std::string long_line(100, 'x');
    CHECK(text("<p>code:</p><pre>  int  x;\n\tif (a &lt; b)\n\n" + long_line + "</pre>") ==
          "code:\n\n  int  x;\n        if (a < b)\n\n" + long_line + "\n");
}

TEST_CASE("blockquote prefixes each level with '> '", "[html][blocks]") {
    CHECK(text("<p>reply</p><blockquote><p>quoted</p><blockquote>older</blockquote>"
               "<p>again</p></blockquote><p>end</p>") ==
          "reply\n\n> quoted\n>\n> > older\n>\n> again\n\nend\n");
}

TEST_CASE("Gmail and Apple Mail quotes are quotes", "[html][blocks]") {
    CHECK(
        text("<div dir=ltr>Sure.</div><br><div class=gmail_quote><div class=gmail_attr>"
             "On Mon, Bob wrote:<br></div><blockquote class=gmail_quote "
             "style=\"margin:0 0 0 .8ex;border-left:1px #ccc solid\">Lunch?</blockquote></div>") ==
        "Sure.\n\nOn Mon, Bob wrote:\n\n> Lunch?\n");
    CHECK(text("<div>ok</div><blockquote type=cite><div>Question?</div></blockquote>") ==
          "ok\n\n> Question?\n");
}

TEST_CASE("entities and numeric references are decoded", "[html][blocks]") {
    CHECK(
        text("<p>&lt;tag&gt; &amp; &eacute;t&eacute; &#8364;5 &#x1F600; caf&#233; &hellip;</p>") ==
        "<tag> & \xC3\xA9t\xC3\xA9 \xE2\x82\xAC"
        "5 \xF0\x9F\x98\x80 caf\xC3\xA9 \xE2\x80\xA6\n");
    // &#150; is windows-1252's en dash, as browsers read it
    CHECK(text("<p>1&#150;2</p>") == "1\xE2\x80\x93"
                                     "2\n");
}

TEST_CASE("images show their alt text, never a file name", "[html][blocks]") {
    CHECK(text("<p>Logo: <img src=logo.png alt=\"ACME  Corp\"> <img src=x.png alt=\"\"> "
               "<img src=y.png> <img src=z.png alt=\"banner.jpg\">end</p>") ==
          "Logo: [ACME Corp] end\n");
}
