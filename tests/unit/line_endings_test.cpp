// LF <-> CRLF conversion (mime/line_endings.h): existing CRLF stays single,
// bare CRs are data and survive both directions.
#include "mime/line_endings.h"

#include <catch2/catch.hpp>

#include <string>

using namespace mailveil::mime;

TEST_CASE("to_crlf turns every bare LF into CRLF", "[line-endings]") {
    CHECK(to_crlf("a\nb\n") == "a\r\nb\r\n");
    CHECK(to_crlf("\n\n") == "\r\n\r\n");
    CHECK(to_crlf("no line end") == "no line end");
    CHECK(to_crlf("") == "");
}

TEST_CASE("to_crlf leaves existing CRLF and bare CR alone", "[line-endings]") {
    CHECK(to_crlf("a\r\nb\n") == "a\r\nb\r\n");
    CHECK(to_crlf("a\rb\n") == "a\rb\r\n");
    CHECK(to_crlf("a\r\r\n") == "a\r\r\n");
    const std::string crlf = "one\r\ntwo\r\n\r\nthree\r\n";
    CHECK(to_crlf(crlf) == crlf);
}

TEST_CASE("to_crlf_reusing agrees with to_crlf and keeps a CRLF text's buffer", "[line-endings]") {
    for (const std::string text : {"a\nb\n", "a\r\nb\n", "a\r\nb", "\n", "", "x\r\n\r\n"}) {
        CHECK(to_crlf_reusing(text) == to_crlf(text));
    }
    std::string crlf(100000, 'x');
    crlf += "\r\nlast\r\n";
    const char* buffer = crlf.data();
    const std::string same = to_crlf_reusing(std::move(crlf));
    CHECK(same.data() == buffer);
}

TEST_CASE("to_lf turns CRLF into LF and keeps bare CR", "[line-endings]") {
    CHECK(to_lf("a\r\nb\r\n") == "a\nb\n");
    CHECK(to_lf("a\rb\r\n") == "a\rb\n");
    CHECK(to_lf("a\r") == "a\r");
    CHECK(to_lf("a\n") == "a\n");
    CHECK(to_lf("") == "");
}

TEST_CASE("to_lf undoes to_crlf on LF text", "[line-endings]") {
    const std::string text = "Subject: x\n\nbody\n\nwith a \r in it\n";
    CHECK(to_lf(to_crlf(text)) == text);
}

TEST_CASE("to_crlf keeps binary bytes, including NUL", "[line-endings]") {
    const std::string binary("\x00\xff\n\x01", 4);
    CHECK(to_crlf(binary) == std::string("\x00\xff\r\n\x01", 5));
}

TEST_CASE("first_line_end_is_crlf looks at the first LF only", "[line-endings]") {
    CHECK(first_line_end_is_crlf("a\r\nb\n"));
    CHECK_FALSE(first_line_end_is_crlf("a\nb\r\n"));
    CHECK_FALSE(first_line_end_is_crlf("no line end\r"));
    CHECK_FALSE(first_line_end_is_crlf("\n"));
    CHECK(first_line_end_is_crlf("\r\n"));
    CHECK_FALSE(first_line_end_is_crlf(""));
}
