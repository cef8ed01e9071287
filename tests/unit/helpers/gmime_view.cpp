#include "helpers/gmime_view.h"

#include "mime/gmime_runtime.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace mailveil::test {

mime::GObjectPtr<GMimeMessage> gmime_parse(std::string_view bytes) {
    mime::ensure_gmime_initialized();
    auto stream = mime::adopt(g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size()));
    auto parser = mime::adopt(g_mime_parser_new_with_stream(stream.get()));
    auto message = mime::adopt(g_mime_parser_construct_message(parser.get(), nullptr));
    if (!message || g_mime_message_get_mime_part(message.get()) == nullptr) {
        throw std::runtime_error("GMime cannot parse the message");
    }
    return message;
}

std::string media_type(GMimeObject* object) {
    GMimeContentType* type = g_mime_object_get_content_type(object);
    std::string out = std::string(g_mime_content_type_get_media_type(type)) + "/" +
                      g_mime_content_type_get_media_subtype(type);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string decoded_content(GMimeObject* object) {
    if (!GMIME_IS_PART(object)) {
        throw std::runtime_error("not a leaf part");
    }
    GMimeDataWrapper* wrapper = g_mime_part_get_content(GMIME_PART(object));
    if (wrapper == nullptr) {
        throw std::runtime_error("part has no content");
    }
    auto stream = mime::adopt(g_mime_stream_mem_new());
    if (g_mime_data_wrapper_write_to_stream(wrapper, stream.get()) < 0) {
        throw std::runtime_error("cannot decode part content");
    }
    GByteArray* array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.get()));
    return std::string(reinterpret_cast<const char*>(array->data), array->len);
}

} // namespace mailveil::test
