// convert.h - shorthands for the html/ unit tests.
#pragma once

#include "html/html_to_text.h"

#include <string>
#include <string_view>

namespace test_html {

inline std::string text(std::string_view html, mailveil::html::Options options = {}) {
    return mailveil::html::to_text(html, "utf-8", options);
}

inline std::string text_width(std::string_view html, std::size_t width) {
    mailveil::html::Options options;
    options.width = width;
    return text(html, options);
}

} // namespace test_html
