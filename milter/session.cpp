#include "milter/session.h"

#include "mime/line_endings.h"

namespace mailveil::milter {

void Session::reset_message() {
    recipients_.clear();
    headers_.clear();
    body_.clear();
    body_.shrink_to_fit();
}

void Session::add_header(std::string name, std::string value) {
    headers_.push_back({std::move(name), std::move(value)});
}

void Session::append_body(const unsigned char* chunk, std::size_t length) {
    body_.append(reinterpret_cast<const char*>(chunk), length);
}

std::string Session::message_bytes() const {
    std::string out;
    out.reserve(body_.size() + 64 * headers_.size() + 2);
    for (const auto& header : headers_) {
        out.append(header.name).append(":");
        if (!header_leading_space_) {
            out.append(" ");
        }
        // MTAs pass folded values with bare LF between the lines.
        out.append(mime::to_crlf(header.value)).append("\r\n");
    }
    out.append("\r\n");
    out.append(body_);
    return out;
}

} // namespace mailveil::milter
