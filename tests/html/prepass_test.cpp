// prepass_test.cpp - what the prepass hands libxml2: unread attributes and
// style declarations gone, everything it is not sure of left alone.
#include "convert.h"
#include "html/prepass.h"

#include <catch2/catch.hpp>

using namespace mailveil::html;
using test_html::text;

namespace {

std::string prepassed(std::string_view html) {
    return prepass(html).html;
}

} // namespace

TEST_CASE("attributes the converter never reads are dropped", "[html][prepass]") {
    CHECK(prepassed(R"(<td valign="top" bgcolor='#fff' class="x" width="10">a</td>)") ==
          R"(<td class="x" width="10">a</td>)");
    CHECK(prepassed(R"(<img src="https://t.example/p.gif" alt="Logo" border="0"/>)") ==
          R"(<img alt="Logo"/>)");
    CHECK(prepassed(R"(<a href="x" target="_blank" title="a <b> c">t</a>)") ==
          R"(<a href="x">t</a>)");
}

TEST_CASE("style keeps only the declarations the converter reads", "[html][prepass]") {
    CHECK(prepassed(R"(<div style="color:red; Display : none;font-size:1px">x</div>)") ==
          R"(<div style=" Display : none">x</div>)");
    CHECK(prepassed(R"(<p style="margin:0;padding:0">x</p>)") == R"(<p>x</p>)");
    // A reference could stand for ';' or ':': such a value stays whole.
    CHECK(prepassed(R"(<p style="color:red&#59;display:none">x</p>)") ==
          R"(<p style="color:red&#59;display:none">x</p>)");
}

TEST_CASE("markup the prepass is not sure of stays as it is", "[html][prepass]") {
    // An unquoted value: trimming stops there, for the rest of the input.
    CHECK(prepassed(R"(<td valign=top bgcolor="red">a</td><p align="left">b</p>)") ==
          R"(<td valign=top bgcolor="red">a</td><p align="left">b</p>)");
    CHECK(prepassed(R"(<?xml version="1.0"?><p align="left">b</p>)") ==
          R"(<?xml version="1.0"?><p align="left">b</p>)");
    CHECK(prepassed(R"(<p align="left">a</p><!x><p align="left">b</p>)") ==
          R"(<p>a</p><!x><p align="left">b</p>)");
    CHECK(prepassed(R"(<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x.dtd"><p align="c">)") ==
          R"(<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x.dtd"><p>)");
}

TEST_CASE("trimming changes nothing a reader sees", "[html][prepass]") {
    CHECK(text(R"(<div style="font-family:Arial;display:none;color:#999">preheader</div>)"
               R"(<p style="margin:0" align="center">Hello</p>)"
               R"(<img src="https://t.example/o.gif" width="1" height="1" alt="pixel">)"
               R"(<ul style="margin:0;list-style:none"><li>one</li></ul>)") == "Hello\n\none\n");
    CHECK(text(R"(<a href="https://example.com/x" style="color:red" target="_blank">Go</a>)") ==
          "Go [1]\n\n[1] https://example.com/x\n");
}

TEST_CASE("named references outside ASCII are decoded where libxml2 would", "[html][prepass]") {
    CHECK(prepassed("<p>a&nbsp;b &amp;nbsp; &NBSP; &nbsp x&mdash;</p>") ==
          "<p>a\xC2\xA0"
          "b &amp;nbsp; &NBSP; &nbsp x\xE2\x80\x94</p>");
    CHECK(prepassed(R"(<img alt="caf&eacute;" title="&eacute;">)") == "<img alt=\"caf\xC3\xA9\">");
    CHECK(prepassed(R"(<div style="font-family:a&nbsp;b;display:none">x</div>)") ==
          R"(<div style="display:none">x</div>)");
    // Not in a place the prepass is sure of: left to libxml2.
    CHECK(prepassed("<?php x ?><p>&eacute;</p>") == "<?php x ?><p>&eacute;</p>");
}
