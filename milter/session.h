// session.h - what the milter remembers about one SMTP connection.
//
// libmilter runs one thread per connection; a Session belongs to exactly one
// connection (attached with smfi_setpriv) and is never shared. It collects the
// current message: envelope recipients, header fields as the MTA sent them,
// and the body. reset_message() forgets all of it between messages and on
// abort.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mailveil::milter {

struct ReceivedHeader {
    std::string name;
    std::string value; // as the MTA sent it (leading space only with SMFIP_HDR_LEADSPC)
};

class Session {
  public:
    void reset_message();

    // Whether the MTA agreed to send header values with their leading space.
    void set_header_leading_space(bool on) { header_leading_space_ = on; }
    bool header_leading_space() const { return header_leading_space_; }

    void add_recipient(std::string address) { recipients_.push_back(std::move(address)); }
    void add_header(std::string name, std::string value);
    void append_body(const unsigned char* chunk, std::size_t length);

    const std::vector<std::string>& recipients() const { return recipients_; }
    const std::vector<ReceivedHeader>& headers() const { return headers_; }

    // The message rebuilt in wire form (CRLF line ends) for the core.
    std::string message_bytes() const;

  private:
    bool header_leading_space_ = false;
    std::vector<std::string> recipients_;
    std::vector<ReceivedHeader> headers_;
    std::string body_;
};

} // namespace mailveil::milter
