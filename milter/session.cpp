#include "milter/session.h"

#include "mime/line_endings.h"

#include <stdexcept>

namespace mailveil::milter {

void Session::reset_message() {
    runtime_.reset();
    authenticated_ = false;
    recipients_.clear();
    held_failure_.reset();
    recipient_class_.reset();
    headers_.clear();
    body_.clear();
    body_.shrink_to_fit();
    body_claim_.release();
    spool_.reset();
    size_ = 0;
    oversized_ = false;
}

void Session::start_message(std::shared_ptr<const Runtime> runtime, bool authenticated) {
    reset_message();
    runtime_ = std::move(runtime);
    authenticated_ = authenticated;
}

const Runtime& Session::runtime() const {
    if (!runtime_) {
        throw std::logic_error("message event before MAIL FROM");
    }
    return *runtime_;
}

void Session::add_recipient(core::Resolution resolution) {
    recipients_.push_back(std::move(resolution));
}

void Session::add_header(std::string name, std::string value) {
    size_ += name.size() + value.size() + 3;
    headers_.push_back({std::move(name), std::move(value)});
}

void Session::append_body(const unsigned char* chunk, std::size_t length, std::uint64_t limit) {
    size_ += length;
    if (oversized_ || (limit > 0 && size_ > limit)) {
        oversized_ = true;
        body_.clear();
        body_.shrink_to_fit();
        body_claim_.release();
        spool_.reset();
        return;
    }
    const std::string_view data(reinterpret_cast<const char*>(chunk), length);
    if (spool_) {
        spool_->append(data);
        return;
    }
    const auto& settings = runtime().settings;
    if (body_.size() + length > settings.spool_threshold ||
        !body_claim_.grow(length, settings.body_memory_limit)) {
        spool_ = mime::SpoolFile::create(settings.tmpdir);
        spool_->append(body_);
        spool_->append(data);
        body_.clear();
        body_.shrink_to_fit();
        body_claim_.release();
        return;
    }
    body_.append(data);
}

mime::ParsedMessage Session::parsed_message() const {
    if (!spool_) {
        return mime::ParsedMessage::parse(message_bytes());
    }
    return mime::ParsedMessage::parse_spooled(header_section(), spool_);
}

std::string Session::message_bytes() const {
    std::string out = header_section();
    out.append(body_);
    return out;
}

std::string Session::header_section() const {
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
    return out;
}

} // namespace mailveil::milter
