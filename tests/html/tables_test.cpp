// tables_test.cpp - layout tables flow, data tables align or fall back to rows.
#include "convert.h"

#include <catch2/catch.hpp>

using test_html::text;
using test_html::text_width;

TEST_CASE("a presentation table flows as blocks in reading order", "[html][tables]") {
    CHECK(text("<table role=presentation><tr><td>Left column</td><td>Right column</td></tr>"
               "<tr><td>Second row</td><td>end</td></tr></table>") ==
          "Left column\nRight column\n\nSecond row\nend\n");
}

TEST_CASE("one-column and nested tables are layout", "[html][tables]") {
    // The outer table is layout; the inner one, two by two and plain, is data.
    CHECK(text("<table><tr><td>Header</td></tr><tr><td><table><tr><td>a</td><td>b</td></tr>"
               "<tr><td>c</td><td>d</td></tr></table></td></tr></table>") ==
          "Header\n\na  b\nc  d\n");
    CHECK(text("<table><tr><td>One</td></tr><tr><td>column</td></tr></table>") ==
          "One\n\ncolumn\n");
}

TEST_CASE("cells holding blocks make a layout table", "[html][tables]") {
    CHECK(text("<table><tr><td><h3>News</h3><p>Body</p></td><td><p>Side</p></td></tr>"
               "<tr><td>x</td><td>y</td></tr></table>") == "News\n\nBody\n\nSide\n\nx\ny\n");
}

TEST_CASE("a small data table gets aligned columns", "[html][tables]") {
    CHECK(text("<p>Your order:</p><table><tr><th>Item</th><th>Qty</th><th>Price</th></tr>"
               "<tr><td>Coffee beans</td><td>2</td><td>$24.00</td></tr>"
               "<tr><td>Mug</td><td>1</td><td>$9.50</td></tr></table><p>Thanks</p>") ==
          "Your order:\n\n"
          "Item          Qty   Price\n"
          "------------  ---  ------\n"
          "Coffee beans    2  $24.00\n"
          "Mug             1   $9.50\n\n"
          "Thanks\n");
}

TEST_CASE("a data table too wide for the line has one row per line", "[html][tables]") {
    CHECK(text_width("<table><tr><td>Monday</td><td>Team meeting in the big room</td></tr>"
                     "<tr><td>Tuesday</td><td>Nothing planned</td></tr></table>",
                     30) ==
          "Monday | Team meeting in the\n  big room\nTuesday | Nothing planned\n");
}

TEST_CASE("cells are never glued together", "[html][tables]") {
    CHECK(text("<table><tr><td>a<br>b</td><td>c</td></tr><tr><td>d</td><td>e</td></tr></table>") ==
          "a b  c\nd    e\n");
}

TEST_CASE("spanning cells fall back to rows", "[html][tables]") {
    CHECK(text("<table><tr><td colspan=2>Total</td></tr><tr><td>a</td><td>b</td></tr></table>") ==
          "Total\na | b\n");
}
