#include "mime/classify.h"

#include "mime/gmime_handles.h"

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

// The transfer-decoded content of a leaf part.
std::string decoded_content(GMimePart* part) {
    GMimeDataWrapper* wrapper = g_mime_part_get_content(part);
    if (wrapper == nullptr) {
        return {};
    }
    auto stream = adopt(g_mime_stream_mem_new());
    if (g_mime_data_wrapper_write_to_stream(wrapper, stream.get()) < 0) {
        return {};
    }
    GByteArray* array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.get()));
    return std::string(reinterpret_cast<const char*>(array->data), array->len);
}

} // namespace

bool is_inline_pgp_message(std::string_view text) {
    bool opened = false;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const auto end = text.find('\n', pos);
        const auto line =
            trim_line(text.substr(pos, end == std::string_view::npos ? text.npos : end - pos));
        if (!opened) {
            if (!line.empty()) {
                if (line != "-----BEGIN PGP MESSAGE-----") {
                    return false;
                }
                opened = true;
            }
        } else if (line == "-----END PGP MESSAGE-----") {
            return true;
        }
        if (end == std::string_view::npos) {
            break;
        }
        pos = end + 1;
    }
    return false;
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
    if (GMIME_IS_PART(top) && type_is(type, "text", "*") &&
        is_inline_pgp_message(decoded_content(GMIME_PART(top)))) {
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
