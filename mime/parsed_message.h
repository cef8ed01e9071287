// parsed_message.h - a message as received, parsed by GMime, raw bytes kept.
//
// The rewriter must keep every header it does not touch byte for byte, so the
// message keeps its original bytes and exposes each header field as the exact
// slice of input GMime found it at (name, colon, value, folding, line end).
// The MIME structure (content types, parts) is read from GMime's object model.
//
// A big message comes spooled: the header section in memory, the body in a
// SpoolFile. GMime then parses it with a persistent stream, so parts refer to
// ranges of the file instead of copies; body() is unavailable (body_stream()
// reads it) and the memory used stays small whatever the body's size.
//
// Failure: parse() throws MessageError when GMime cannot build a message, and
// before parsing when its MIME delimiter lines would cost GMime memory and
// time out of all proportion to the message's size (mime/delimiter_census.h).
#pragma once

#include "mime/gmime_handles.h"
#include "mime/spool_file.h"

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
    // header_section: the header fields and the empty line that ends them.
    static ParsedMessage parse_spooled(std::string header_section,
                                       std::shared_ptr<const SpoolFile> body);

    ParsedMessage(ParsedMessage&&) noexcept = default;
    ParsedMessage& operator=(ParsedMessage&&) noexcept = default;
    ParsedMessage(const ParsedMessage&) = delete;
    ParsedMessage& operator=(const ParsedMessage&) = delete;

    // All header fields of the top-level header section, in input order.
    const std::vector<HeaderField>& headers() const { return headers_; }
    // Everything after the blank line that ends the header section; throws
    // std::logic_error for a spooled message.
    std::string_view body() const;
    bool spooled() const { return spool_ != nullptr; }
    const std::shared_ptr<const SpoolFile>& spool() const { return spool_; }
    // A new stream over the body, spooled or not.
    GObjectPtr<GMimeStream> body_stream() const;
    // True when the body's last byte is a line feed.
    bool body_ends_with_newline() const;
    // True when the header section uses CRLF line ends.
    bool uses_crlf() const { return crlf_; }
    std::string_view bytes() const { return *bytes_; }

    GMimeMessage* gmime_message() const { return message_.get(); }
    // The top-level MIME part (never null for a parsed message).
    GMimeObject* top_part() const;

  private:
    ParsedMessage() = default;
    void build(GMimeStream* stream);

    // Heap-held so that string_views into it survive moves of the object.
    std::unique_ptr<std::string> bytes_;
    std::shared_ptr<const SpoolFile> spool_;
    GObjectPtr<GMimeMessage> message_;
    std::vector<HeaderField> headers_;
    std::size_t body_offset_ = 0;
    bool crlf_ = false;
};

// Case-insensitive ASCII comparison of header names.
bool header_name_equals(std::string_view a, std::string_view b);
// True for "Content-*" header names (case-insensitive).
bool is_content_header(std::string_view name);
// True when a top-level header field holds a CR that does not start a CRLF.
// RFC 5322 allows CR nowhere else; GMime reads such a field as one value,
// while a reader that takes the CR for a line end sees more fields or a body.
bool header_has_bare_cr(const ParsedMessage& message);

} // namespace mailveil::mime
