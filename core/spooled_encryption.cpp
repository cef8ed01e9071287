#include "core/spooled_encryption.h"

#include "mime/entity_streams.h"
#include "mime/header_protection.h"
#include "mime/pgp_mime_writer.h"
#include "pgp/encryptor.h"

namespace mailveil::core {
namespace {

// The armor comes with LF line ends; a CRLF message gets CRLF.
class ArmorWriter {
  public:
    ArmorWriter(mime::SpoolFile& file, bool crlf) : file_(file), crlf_(crlf) {}

    void operator()(std::string_view piece) {
        if (!crlf_) {
            file_.append(piece);
            return;
        }
        buffer_.clear();
        for (const char c : piece) {
            if (c == '\n' && !last_was_cr_) {
                buffer_.push_back('\r');
            }
            buffer_.push_back(c);
            last_was_cr_ = c == '\r';
        }
        file_.append(buffer_);
    }

  private:
    mime::SpoolFile& file_;
    bool crlf_;
    bool last_was_cr_ = false;
    std::string buffer_;
};

} // namespace

Rewrite encrypt_spooled(const mime::ParsedMessage& message,
                        const std::vector<pgp::RecipientKey>& keys,
                        const EngineSettings& settings) {
    Rewrite rewrite;
    mime::GObjectPtr<GMimeStream> payload;
    if (settings.protect_headers) {
        auto protected_payload = mime::protect_headers_streaming(message);
        payload = std::move(protected_payload.entity);
        rewrite.changed = std::move(protected_payload.outer_changes);
    } else {
        payload = mime::original_entity_stream(message);
    }

    const auto armor = mime::SpoolFile::create(message.spool()->directory());
    ArmorWriter writer(*armor, message.uses_crlf());
    const auto read_payload = [&](char* buffer, std::size_t size) {
        return mime::read_some(payload.get(), buffer, size);
    };
    pgp::encrypt_armored_stream(settings.gnupg_home, read_payload, keys, {settings.hide_recipients},
                                std::ref(writer));

    auto frame = mime::write_pgp_mime_frame(message.uses_crlf());
    rewrite.added.push_back({"MIME-Version", "1.0"});
    rewrite.added.push_back({"Content-Type", std::move(frame.content_type)});
    rewrite.spooled_body = SpooledBody{std::move(frame.before), armor, std::move(frame.after)};
    return rewrite;
}

} // namespace mailveil::core
