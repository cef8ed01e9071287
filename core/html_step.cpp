#include "core/html_step.h"

namespace mailveil::core {
namespace {

// A raw field's value for libmilter and apply_rewrite(): after the colon,
// without leading blanks, folds joined, no line end.
std::string unfolded_value(std::string_view raw) {
    const auto colon = raw.find(':');
    std::string_view value = colon == std::string_view::npos ? "" : raw.substr(colon + 1);
    std::string out;
    for (const char c : value) {
        if (c != '\r' && c != '\n') {
            out.push_back(c);
        }
    }
    const auto start = out.find_first_not_of(" \t");
    const auto end = out.find_last_not_of(" \t");
    return start == std::string::npos ? std::string() : out.substr(start, end - start + 1);
}

} // namespace

std::optional<mime::ParsedMessage> rewritten_html(const mime::ParsedMessage& message,
                                                  const mime::HtmlOptions& options) {
    if (message.spooled()) {
        return mime::rewrite_html_spooled(message, options);
    }
    auto bytes = mime::rewrite_html(message, options);
    if (!bytes) {
        return std::nullopt;
    }
    return mime::ParsedMessage::parse(std::move(*bytes));
}

Rewrite rewrite_to(const mime::ParsedMessage& rewritten) {
    Rewrite rewrite;
    rewrite.added.push_back({"MIME-Version", "1.0"});
    for (const auto& field : rewritten.headers()) {
        if (mime::is_content_header(field.name)) {
            rewrite.added.push_back({field.name, unfolded_value(field.raw)});
        }
    }
    if (rewritten.spooled()) {
        rewrite.spooled_body = SpooledBody{"", rewritten.spool(), ""};
    } else {
        rewrite.body = std::string(rewritten.body());
    }
    return rewrite;
}

} // namespace mailveil::core
