#include "mime/classify.h"

#include "mime/gmime_handles.h"

#include <algorithm>
#include <string>

namespace mailveil::mime {
namespace {

bool type_is(GMimeContentType* type, const char* media, const char* subtype) {
    return g_mime_content_type_is_type(type, media, subtype) != FALSE;
}

std::string_view trim_line(std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
        line.remove_suffix(1);
    }
    return line;
}

// Reads text line by line, in chunks of any size, keeping only the start of
// the current line (the armor lines are short), so a big part costs no memory.
class InlinePgpScanner {
  public:
    // False once the answer is known.
    bool feed(std::string_view chunk) {
        while (!chunk.empty() && !decided_) {
            const auto end = chunk.find('\n');
            take(chunk.substr(0, end));
            if (end == std::string_view::npos) {
                break;
            }
            end_line();
            chunk.remove_prefix(end + 1);
        }
        return !decided_;
    }
    bool finish() {
        if (!decided_) {
            end_line();
        }
        return result_;
    }

  private:
    static constexpr std::size_t kKeep = 64;

    void take(std::string_view piece) {
        long_ = long_ || line_.size() + piece.size() > kKeep;
        if (!long_) {
            line_.append(piece);
        }
    }
    void end_line() {
        const std::string_view line = long_ ? std::string_view("x") : trim_line(line_);
        if (!opened_) {
            if (!line.empty()) {
                opened_ = line == "-----BEGIN PGP MESSAGE-----";
                decided_ = !opened_;
            }
        } else if (line == "-----END PGP MESSAGE-----") {
            result_ = decided_ = true;
        }
        line_.clear();
        long_ = false;
    }

    std::string line_;
    bool long_ = false;
    bool opened_ = false;
    bool decided_ = false;
    bool result_ = false;
};

// Scans the transfer-decoded content of a leaf part, chunk by chunk.
bool part_is_inline_pgp(GMimePart* part) {
    GMimeDataWrapper* wrapper = g_mime_part_get_content(part);
    GMimeStream* raw = wrapper != nullptr ? g_mime_data_wrapper_get_stream(wrapper) : nullptr;
    if (raw == nullptr || g_mime_stream_reset(raw) < 0) {
        return false;
    }
    auto decoded = adopt(g_mime_stream_filter_new(raw));
    auto decoder = adopt(g_mime_filter_basic_new(g_mime_data_wrapper_get_encoding(wrapper), FALSE));
    g_mime_stream_filter_add(GMIME_STREAM_FILTER(decoded.get()), decoder.get());
    InlinePgpScanner scanner;
    char buffer[16 * 1024];
    ssize_t got = 0;
    while ((got = g_mime_stream_read(decoded.get(), buffer, sizeof buffer)) > 0) {
        if (!scanner.feed(std::string_view(buffer, static_cast<std::size_t>(got)))) {
            break;
        }
    }
    return got >= 0 && scanner.finish();
}

} // namespace

bool is_inline_pgp_message(std::string_view text) {
    InlinePgpScanner scanner;
    scanner.feed(text);
    return scanner.finish();
}

EncryptionForm existing_encryption(const ParsedMessage& message) {
    GMimeObject* top = message.top_part();
    GMimeContentType* type = g_mime_object_get_content_type(top);
    if (type_is(type, "multipart", "encrypted")) {
        return EncryptionForm::PgpMime;
    }
    if (type_is(type, "application", "pkcs7-mime") ||
        type_is(type, "application", "x-pkcs7-mime")) {
        return EncryptionForm::Smime;
    }
    if (GMIME_IS_PART(top) && type_is(type, "text", "*") && part_is_inline_pgp(GMIME_PART(top))) {
        return EncryptionForm::InlinePgp;
    }
    return EncryptionForm::None;
}

std::string_view to_string(EncryptionForm form) {
    switch (form) {
    case EncryptionForm::None:
        return "none";
    case EncryptionForm::PgpMime:
        return "pgp-mime";
    case EncryptionForm::Smime:
        return "smime";
    case EncryptionForm::InlinePgp:
        return "inline-pgp";
    }
    return "unknown";
}

} // namespace mailveil::mime
