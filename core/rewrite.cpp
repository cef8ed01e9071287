#include "core/rewrite.h"

namespace mailveil::core {

bool Rewrite::deletes_header(std::string_view name) {
    return mime::is_content_header(name) || mime::header_name_equals(name, "MIME-Version");
}

std::string apply_rewrite(const mime::ParsedMessage& message, const Rewrite& rewrite) {
    const std::string_view eol = message.uses_crlf() ? "\r\n" : "\n";
    std::string out;
    out.reserve(message.bytes().size() + rewrite.body.size());
    for (const auto& field : message.headers()) {
        if (!Rewrite::deletes_header(field.name)) {
            out.append(field.raw);
        }
    }
    for (const auto& header : rewrite.added) {
        out.append(header.name).append(": ").append(header.value).append(eol);
    }
    out.append(eol);
    out.append(rewrite.body);
    return out;
}

} // namespace mailveil::core
