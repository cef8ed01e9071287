#include "helpers/pgp_mime_reader.h"

#include "helpers/gmime_view.h"

namespace mailveil::test {

SeenMessage read_as_client(std::string_view bytes) {
    const auto message = gmime_parse(bytes);
    GMimeObject* top = g_mime_message_get_mime_part(message.get());
    SeenMessage seen;
    seen.media_type = media_type(top);
    const char* protocol = g_mime_object_get_content_type_parameter(top, "protocol");
    seen.protocol = protocol != nullptr ? protocol : "";
    if (GMIME_IS_MULTIPART(top)) {
        GMimeMultipart* multipart = GMIME_MULTIPART(top);
        for (int i = 0; i < g_mime_multipart_get_count(multipart); ++i) {
            GMimeObject* part = g_mime_multipart_get_part(multipart, i);
            seen.parts.push_back(
                {media_type(part), GMIME_IS_PART(part) ? decoded_content(part) : std::string()});
        }
    }
    return seen;
}

} // namespace mailveil::test
