#include "mime/part_content.h"

#include "mime/gmime_handles.h"

namespace mailveil::mime {

std::optional<std::string> transfer_decoded(GMimePart* part) {
    GMimeDataWrapper* wrapper = g_mime_part_get_content(part);
    if (wrapper == nullptr) {
        return std::string();
    }
    auto sink = adopt(g_mime_stream_mem_new());
    if (g_mime_data_wrapper_write_to_stream(wrapper, sink.get()) < 0) {
        return std::nullopt;
    }
    const GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(sink.get()));
    return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

} // namespace mailveil::mime
