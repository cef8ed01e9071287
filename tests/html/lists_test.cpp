// lists_test.cpp - bullets, numbering, nesting.
#include "convert.h"

#include <catch2/catch.hpp>

using test_html::text;
using test_html::text_width;

TEST_CASE("ul items get '* ' bullets", "[html][lists]") {
    CHECK(text("<p>Shopping:</p><ul><li>milk</li><li>bread <b>rolls</b></li></ul><p>done</p>") ==
          "Shopping:\n\n* milk\n* bread rolls\n\ndone\n");
}

TEST_CASE("ol items are numbered, honouring start and value", "[html][lists]") {
    CHECK(text("<ol><li>a<li>b</ol>") == "1. a\n2. b\n");
    CHECK(text("<ol start=7><li>seven<li>eight<li value=20>twenty<li>next</ol>") ==
          "7. seven\n8. eight\n20. twenty\n21. next\n");
    CHECK(text("<ol type=a><li>x<li>y</ol><ol type=I start=3><li>z</ol>") ==
          "a. x\nb. y\n\nIII. z\n");
    CHECK(text("<ol reversed><li>x<li>y<li>z</ol>") == "3. x\n2. y\n1. z\n");
}

TEST_CASE("nested lists indent; the first sub-item is never on the parent's line",
          "[html][lists]") {
    CHECK(text("<ul><li>fruit<ul><li>apple</li><li>pear<ol><li>green</li></ol></li></ul></li>"
               "<li>bread</li></ul>") == "* fruit\n  * apple\n  * pear\n    1. green\n* bread\n");
    CHECK(text("<ol><li><ul><li>inner</li></ul></li></ol>") == "1.\n   * inner\n");
}

TEST_CASE("wrapped list items hang under their text", "[html][lists]") {
    CHECK(text_width("<ul><li>one two three four five six</li></ul>", 20) ==
          "* one two three four\n  five six\n");
}

TEST_CASE("paragraphs inside items keep the item's indentation", "[html][lists]") {
    CHECK(text("<ol><li><p>first para</p><p>second para</p></li><li>next</li></ol>") ==
          "1. first para\n\n   second para\n\n2. next\n");
}

TEST_CASE("list-style:none drops the bullets", "[html][lists]") {
    CHECK(text("<ul style=\"list-style:none\"><li>Home</li><li>About</li></ul>") ==
          "Home\nAbout\n");
}

TEST_CASE("Outlook's Word lists read as bullets", "[html][lists]") {
    CHECK(text("<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><![if !supportLists]>"
               "<span style='font-family:Symbol'><span style='mso-list:Ignore'>&middot;"
               "<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp;&nbsp;&nbsp; </span>"
               "</span></span><![endif]>First<o:p></o:p></p>"
               "<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><![if !supportLists]>"
               "<span style='mso-list:Ignore'>2.<span>&nbsp;&nbsp; </span></span><![endif]>"
               "Second<o:p></o:p></p>") == "* First\n2. Second\n");
}

TEST_CASE("definition lists indent the description", "[html][lists]") {
    CHECK(text("<dl><dt>Term</dt><dd>Meaning of it</dd></dl>") == "Term\n    Meaning of it\n");
}
