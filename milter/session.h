// session.h - what the milter remembers about one SMTP connection.
//
// libmilter runs one thread per connection; a Session belongs to exactly one
// connection (attached with smfi_setpriv) and is never shared. It collects the
// current message: the configuration it runs under, the envelope recipients
// as resolved at RCPT time, the header fields as the MTA sent them, and the
// body. reset_message() forgets all of it between messages and on abort.
#pragma once

#include "core/recipient_resolver.h"
#include "milter/body_memory.h"
#include "milter/client_kind.h"
#include "milter/runtime.h"
#include "mime/parsed_message.h"
#include "mime/spool_file.h"

#include <memory>
#include <optional>
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

    // Connection facts.
    void set_header_leading_space(bool on) { header_leading_space_ = on; }
    bool header_leading_space() const { return header_leading_space_; }
    // The SMFIP_NR_* steps negotiated: the MTA sends those events without
    // waiting for a reply (a round trip saved each, which a busy MTA feels).
    void set_no_reply_steps(unsigned long steps) { no_reply_steps_ = steps; }
    bool no_reply(unsigned long step) const { return (no_reply_steps_ & step) != 0; }
    void set_daemon_name(std::string name) { daemon_name_ = std::move(name); }
    const std::string& daemon_name() const { return daemon_name_; }
    void set_client_kind(ClientKind kind) { client_kind_ = kind; }
    ClientKind client_kind() const { return client_kind_; }

    // Message facts.
    void start_message(std::shared_ptr<const Runtime> runtime, bool authenticated);
    const Runtime& runtime() const;
    bool has_runtime() const { return runtime_ != nullptr; }
    bool authenticated() const { return authenticated_; }

    void add_recipient(core::Resolution resolution);
    const std::vector<core::Resolution>& recipients() const { return recipients_; }
    // The class (encryptable or not) of the recipients accepted so far, when
    // splitting by class; empty before the first.
    std::optional<bool> recipient_class() const { return recipient_class_; }
    void set_recipient_class(bool encryptable) { recipient_class_ = encryptable; }

    void add_header(std::string name, std::string value);
    // A failure in a step that cannot answer (MAIL or a header field without
    // a reply, a recipient of Postfix's cleanup); end of headers tempfails
    // the message with it. reason says where it happened.
    void hold_failure(std::string reason) { held_failure_ = std::move(reason); }
    // The same for the connect step: it stays for every message of the connection.
    void hold_connection_failure(std::string reason) { connection_failure_ = std::move(reason); }
    const std::optional<std::string>& held_failure() const {
        return connection_failure_ ? connection_failure_ : held_failure_;
    }
    // Appends unless the message has grown past limit (0: none); then the
    // body is dropped and oversized() is true for the rest of the message.
    // A body that grows past the configuration's spool_threshold, or would take
    // all sessions' bodies past body_memory_limit, moves to a spool file in its
    // tmpdir.
    void append_body(const unsigned char* chunk, std::size_t length, std::uint64_t limit);
    bool oversized() const { return oversized_; }

    const std::vector<ReceivedHeader>& headers() const { return headers_; }

    // The message rebuilt in wire form (CRLF line ends) for the core.
    std::string message_bytes() const;
    // The message for the core: parsed from memory, or spooled.
    mime::ParsedMessage parsed_message() const;
    bool spooled() const { return spool_ != nullptr; }

  private:
    // The header fields and the empty line after them, CRLF.
    std::string header_section() const;

    bool header_leading_space_ = false;
    unsigned long no_reply_steps_ = 0;
    std::optional<std::string> connection_failure_;
    std::string daemon_name_;
    ClientKind client_kind_ = ClientKind::Smtp;

    std::shared_ptr<const Runtime> runtime_;
    bool authenticated_ = false;
    std::vector<core::Resolution> recipients_;
    std::optional<std::string> held_failure_;
    std::optional<bool> recipient_class_;
    std::vector<ReceivedHeader> headers_;
    std::string body_;
    BodyMemoryClaim body_claim_;             // body_'s bytes in the process-wide total
    std::shared_ptr<mime::SpoolFile> spool_; // the body, once it passed spool_threshold
    std::uint64_t size_ = 0;
    bool oversized_ = false;
};

} // namespace mailveil::milter
