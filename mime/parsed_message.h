// parsed_message.h - a message as received, parsed by GMime, raw bytes kept.
//
// The rewriter must keep every header it does not touch byte for byte, so the
// message keeps its original bytes and exposes each header field as the exact
// slice of input GMime found it at (name, colon, value, folding, line end).
// The MIME structure (content types, parts) is read from GMime's object model.
//
// Failure: parse() throws MessageError when GMime cannot build a message.
#pragma once

#include "mime/gmime_handles.h"

#include <string>
#include <string_view>
#include <vector>

namespace mailveil::mime {

struct HeaderField {
    std::string name;     // as written in the message
    std::string_view raw; // exact bytes, including the line end; views the message's bytes
};

class ParsedMessage {
  public:
    static ParsedMessage parse(std::string bytes);

    ParsedMessage(ParsedMessage&&) noexcept = default;
    ParsedMessage& operator=(ParsedMessage&&) noexcept = default;
    ParsedMessage(const ParsedMessage&) = delete;
    ParsedMessage& operator=(const ParsedMessage&) = delete;

    // All header fields of the top-level header section, in input order.
    const std::vector<HeaderField>& headers() const { return headers_; }
    // Everything after the blank line that ends the header section.
    std::string_view body() const;
    // True when the header section uses CRLF line ends.
    bool uses_crlf() const { return crlf_; }
    std::string_view bytes() const { return *bytes_; }

    GMimeMessage* gmime_message() const { return message_.get(); }
    // The top-level MIME part (never null for a parsed message).
    GMimeObject* top_part() const;

  private:
    ParsedMessage() = default;

    // Heap-held so that string_views into it survive moves of the object.
    std::unique_ptr<std::string> bytes_;
    GObjectPtr<GMimeMessage> message_;
    std::vector<HeaderField> headers_;
    std::size_t body_offset_ = 0;
    bool crlf_ = false;
};

// Case-insensitive ASCII comparison of header names.
bool header_name_equals(std::string_view a, std::string_view b);
// True for "Content-*" header names (case-insensitive).
bool is_content_header(std::string_view name);

} // namespace mailveil::mime
