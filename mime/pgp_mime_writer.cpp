#include "mime/pgp_mime_writer.h"

#include "core/errors.h"
#include "mime/gmime_handles.h"
#include "mime/gmime_runtime.h"
#include "mime/line_endings.h"

namespace mailveil::mime {
namespace {

GObjectPtr<GMimePart> text_part(const char* type, const char* subtype, std::string_view content) {
    auto part = adopt(g_mime_part_new_with_type(type, subtype));
    auto stream = adopt(g_mime_stream_mem_new_with_buffer(content.data(), content.size()));
    auto wrapper =
        adopt(g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT));
    g_mime_part_set_content(part.get(), wrapper.get());
    return part;
}

std::string byte_array_string(GMimeStream* stream) {
    GByteArray* array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
    return std::string(reinterpret_cast<const char*>(array->data), array->len);
}

// The body GMime writes around this payload text.
EncryptedBody write_with_gmime(std::string_view armored_ciphertext, bool crlf) {
    ensure_gmime_initialized();

    auto multipart = adopt(g_mime_multipart_new_with_subtype("encrypted"));
    GMimeObject* object = GMIME_OBJECT(multipart.get());
    g_mime_object_set_content_type_parameter(object, "protocol", "application/pgp-encrypted");
    g_mime_multipart_set_boundary(multipart.get(), nullptr); // a fresh random boundary
    g_mime_multipart_set_prologue(multipart.get(),
                                  "This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)");

    auto control = text_part("application", "pgp-encrypted", "Version: 1\n");
    g_mime_object_set_header(GMIME_OBJECT(control.get()), "Content-Description",
                             "PGP/MIME version identification", nullptr);
    g_mime_multipart_add(multipart.get(), GMIME_OBJECT(control.get()));

    auto payload = text_part("application", "octet-stream", armored_ciphertext);
    g_mime_object_set_header(GMIME_OBJECT(payload.get()), "Content-Description",
                             "OpenPGP encrypted message", nullptr);
    g_mime_object_set_content_disposition_parameter(GMIME_OBJECT(payload.get()), "filename",
                                                    "encrypted.asc");
    g_mime_object_set_disposition(GMIME_OBJECT(payload.get()), "inline");
    g_mime_multipart_add(multipart.get(), GMIME_OBJECT(payload.get()));

    FormatOptionsPtr options(g_mime_format_options_new());
    g_mime_format_options_set_newline_format(options.get(), crlf ? GMIME_NEWLINE_FORMAT_DOS
                                                                 : GMIME_NEWLINE_FORMAT_UNIX);

    auto out = adopt(g_mime_stream_mem_new());
    if (g_mime_object_write_content_to_stream(object, options.get(), out.get()) < 0) {
        throw MessageError("cannot write the multipart/encrypted body");
    }

    // Written by hand rather than by g_mime_content_type_encode(), which folds
    // the value for a header line; libmilter wants the bare value.
    const char* boundary = g_mime_multipart_get_boundary(multipart.get());
    std::string content_type = "multipart/encrypted; protocol=\"application/pgp-encrypted\"; "
                               "boundary=\"" +
                               std::string(boundary) + "\"";
    return {std::move(content_type), byte_array_string(out.get())};
}

} // namespace

// GMime writes the frame only: passing megabytes of armor through its stream
// filters cost more than all the rest of the MIME work on a large message.
EncryptedBody write_pgp_mime_body(std::string_view armored_ciphertext, bool crlf) {
    auto frame = write_pgp_mime_frame(crlf);
    std::string body = std::move(frame.before);
    if (crlf) {
        body.append(to_crlf(armored_ciphertext));
    } else {
        body.append(armored_ciphertext);
    }
    body.append(frame.after);
    return {std::move(frame.content_type), std::move(body)};
}

EncryptedFrame write_pgp_mime_frame(bool crlf) {
    constexpr std::string_view kPlaceholder = "-----MAILVEIL ARMOR PLACEHOLDER-----";
    auto body = write_with_gmime(std::string(kPlaceholder) + "\n", crlf);
    const std::size_t at = body.body.find(kPlaceholder);
    const std::size_t line_end = body.body.find('\n', at);
    if (at == std::string::npos || line_end == std::string::npos) {
        throw MessageError("cannot frame the multipart/encrypted body");
    }
    return {std::move(body.content_type), body.body.substr(0, at), body.body.substr(line_end + 1)};
}

} // namespace mailveil::mime
