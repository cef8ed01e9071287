#include "mime/line_endings.h"

namespace mailveil::mime {

std::string to_crlf(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 32 + 2);
    // Whole lines at a time: this runs over every byte of every encrypted body.
    std::size_t start = 0;
    for (std::size_t lf = text.find('\n'); lf != std::string_view::npos;
         lf = text.find('\n', lf + 1)) {
        if (lf == 0 || text[lf - 1] != '\r') {
            out.append(text.substr(start, lf - start)).append("\r\n");
            start = lf + 1;
        }
    }
    out.append(text.substr(start));
    return out;
}

std::string to_crlf_reusing(std::string text) {
    for (std::size_t lf = text.find('\n'); lf != std::string::npos; lf = text.find('\n', lf + 1)) {
        if (lf == 0 || text[lf - 1] != '\r') {
            return to_crlf(std::string_view(text));
        }
    }
    return text;
}

std::string to_lf(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            continue;
        }
        out.push_back(text[i]);
    }
    return out;
}

bool first_line_end_is_crlf(std::string_view text) {
    const auto lf = text.find('\n');
    return lf != std::string_view::npos && lf > 0 && text[lf - 1] == '\r';
}

} // namespace mailveil::mime
