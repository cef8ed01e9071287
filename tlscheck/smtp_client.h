// smtp_client.h - the client side of an SMTP dialogue, with a transcript.
//
// Reads the banner, sends EHLO and STARTTLS, and keeps every line both ways
// in transcript() ("S: 250-..." / "C: EHLO ..."). Each reply must arrive
// within the timeout. Failure modes (exceptions): IoError on a timeout or a
// socket error, SmtpDropped when the server closes the connection before a
// complete reply, SmtpProtocolError for a malformed reply.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "tlscheck/channel.h"
#include "tlscheck/smtp_reply.h"

namespace tlscheck {

struct SmtpDropped : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct EhloResult {
    SmtpReply reply;
    std::vector<std::string> extensions; // upper-cased keyword with parameters, e.g. "AUTH PLAIN"
    bool has(const std::string& keyword) const;
    // The parameters of an extension ("PLAIN LOGIN" for AUTH), or "" if absent.
    std::string params(const std::string& keyword) const;
};

class SmtpClient {
  public:
    SmtpClient(Channel& channel, Millis timeout) : channel_(&channel), timeout_(timeout) {}

    SmtpReply read_reply();
    SmtpReply command(const std::string& line);
    EhloResult ehlo(const std::string& name);
    // Switch to another channel (after STARTTLS). Returns the number of bytes
    // the server sent after its STARTTLS reply in clear (an injection risk, RFC 3207 s.5).
    std::size_t switch_channel(Channel& channel);

    const std::vector<std::string>& transcript() const { return transcript_; }

  private:
    Channel* channel_;
    Millis timeout_;
    SmtpReplyParser parser_;
    std::vector<std::string> transcript_;
};

} // namespace tlscheck
