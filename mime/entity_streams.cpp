#include "mime/entity_streams.h"

#include "mime/line_endings.h"
#include "mime/spool_file.h"

#include <cerrno>
#include <cstring>

namespace mailveil::mime {

GObjectPtr<GMimeStream> memory_stream(std::string_view bytes) {
    return adopt(g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size()));
}

GObjectPtr<GMimeStream> concatenated(GMimeStream* first, GMimeStream* second) {
    auto cat = adopt(g_mime_stream_cat_new());
    g_mime_stream_cat_add_source(GMIME_STREAM_CAT(cat.get()), first);
    g_mime_stream_cat_add_source(GMIME_STREAM_CAT(cat.get()), second);
    return cat;
}

GObjectPtr<GMimeStream> crlf_filtered(GObjectPtr<GMimeStream> source) {
    auto filtered = adopt(g_mime_stream_filter_new(source.get()));
    auto filter = adopt(g_mime_filter_unix2dos_new(FALSE));
    g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered.get()), filter.get());
    return filtered;
}

std::shared_ptr<SpoolFile> spool_content(GMimeObject* root, GMimeFormatOptions* options,
                                         const ParsedMessage& message, std::string_view eol,
                                         std::string_view what) {
    auto file = SpoolFile::create(message.spool()->directory());
    {
        auto out = file->write_stream();
        if (g_mime_object_write_content_to_stream(root, options, out.get()) < 0) {
            throw SpoolError("cannot write " + std::string(what) + " to a spool file in " +
                             message.spool()->directory() + ": " + std::strerror(errno));
        }
    }
    file->refresh_size();
    if (message.body_ends_with_newline() &&
        (file->size() == 0 || file->byte_at(file->size() - 1) != '\n')) {
        file->append(eol);
    }
    return file;
}

std::size_t read_some(GMimeStream* stream, char* buffer, std::size_t size) {
    while (!g_mime_stream_eos(stream)) {
        const ssize_t got = g_mime_stream_read(stream, buffer, size);
        if (got > 0) {
            return static_cast<std::size_t>(got);
        }
        if (got < 0 && !g_mime_stream_eos(stream)) {
            throw SpoolError("cannot read the spooled message");
        }
    }
    return 0;
}

GObjectPtr<GMimeStream> original_entity_stream(const ParsedMessage& message) {
    std::string head;
    for (const auto& field : message.headers()) {
        if (is_content_header(field.name)) {
            head.append(field.raw);
        }
    }
    head.append("\r\n");
    auto head_stream = memory_stream(to_crlf(head));
    return crlf_filtered(concatenated(head_stream.get(), message.body_stream().get()));
}

} // namespace mailveil::mime
