// smtp_reply.h - incremental parser for SMTP replies (RFC 5321 section 4.2).
//
// Bytes from the server go in with feed(); complete replies come out of
// next(), one per multi-line reply ("250-a" ... "250 z"). A bare LF line end
// is accepted (and counted in bare_lf_lines()); a bare "250" is a final line.
// Failure modes: SmtpProtocolError for a line that is not a reply line (no
// three-digit code in 200..599, a bad separator), a code that changes inside a
// multi-line reply, a line longer than max_line_length, or a reply with more
// than max_lines lines. The parser never reads past its inputs.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tlscheck {

struct SmtpProtocolError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct SmtpReply {
    int code = 0;                   // e.g. 250
    std::vector<std::string> lines; // the text after "250-" / "250 " of each line

    bool positive_completion() const { return code >= 200 && code < 300; }
    bool transient_failure() const { return code >= 400 && code < 500; }
    // "250 first line" style text of the whole reply, lines joined with " / ".
    std::string summary() const;
};

class SmtpReplyParser {
  public:
    static constexpr std::size_t max_line_length = 4096; // RFC 5321 says 512; be lenient
    static constexpr std::size_t max_lines = 200;

    void feed(std::string_view bytes);
    // The next complete reply, or nullopt when more bytes are needed.
    std::optional<SmtpReply> next();
    // Bytes received but not yet part of a complete reply.
    std::size_t pending_bytes() const { return buffer_.size() + partial_bytes_; }
    std::size_t bare_lf_lines() const { return bare_lf_lines_; }

  private:
    void parse_line(std::string_view line);

    std::string buffer_;
    SmtpReply partial_;
    std::size_t partial_bytes_ = 0;
    std::deque<SmtpReply> complete_;
    std::size_t bare_lf_lines_ = 0;
};

} // namespace tlscheck
