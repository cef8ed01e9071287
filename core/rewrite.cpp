#include "core/rewrite.h"

#include <algorithm>

namespace mailveil::core {

bool Rewrite::deletes_header(std::string_view name) {
    return mime::is_content_header(name) || mime::header_name_equals(name, "MIME-Version");
}

std::string apply_rewrite(const mime::ParsedMessage& message, const Rewrite& rewrite) {
    const std::string_view eol = message.uses_crlf() ? "\r\n" : "\n";
    std::string out;
    out.reserve(message.bytes().size() + rewrite.body.size());
    std::vector<bool> replaced(rewrite.changed.size(), false);
    for (const auto& field : message.headers()) {
        if (Rewrite::deletes_header(field.name)) {
            continue;
        }
        const auto change =
            std::find_if(rewrite.changed.begin(), rewrite.changed.end(), [&](const auto& c) {
                return mime::header_name_equals(c.name, field.name);
            });
        if (change == rewrite.changed.end()) {
            out.append(field.raw);
            continue;
        }
        const auto index = static_cast<std::size_t>(change - rewrite.changed.begin());
        if (change->value && !replaced[index]) {
            out.append(field.name).append(": ").append(*change->value).append(eol);
        }
        replaced[index] = true;
    }
    for (const auto& header : rewrite.added) {
        out.append(header.name).append(": ").append(header.value).append(eol);
    }
    out.append(eol);
    rewrite.for_each_body_piece([&](std::string_view piece) { out.append(piece); });
    return out;
}

void Rewrite::for_each_body_piece(const std::function<void(std::string_view)>& consume) const {
    if (!spooled_body) {
        consume(body);
        return;
    }
    consume(spooled_body->before);
    spooled_body->file->read_chunks(consume);
    consume(spooled_body->after);
}

} // namespace mailveil::core
