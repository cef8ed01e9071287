#include "mime/parsed_message.h"

#include "core/errors.h"
#include "mime/delimiter_census.h"
#include "mime/gmime_runtime.h"
#include "mime/line_endings.h"

#include <algorithm>
#include <cctype>

namespace mailveil::mime {
namespace {

struct RawHeaderStart {
    gint64 offset;
    std::string name;
};

void collect_header_starts(GMimeObject* object, std::vector<RawHeaderStart>& out) {
    GMimeHeaderList* list = g_mime_object_get_header_list(object);
    const int count = g_mime_header_list_get_count(list);
    for (int i = 0; i < count; ++i) {
        GMimeHeader* header = g_mime_header_list_get_header_at(list, i);
        const gint64 offset = g_mime_header_get_offset(header);
        if (offset < 0) {
            continue; // a header GMime synthesised, not one of the input's
        }
        // The obsolete syntax "Name : value" (RFC 5322 4.5.3) leaves blanks in the raw name.
        std::string name =
            g_mime_header_get_raw_name(header) != nullptr ? g_mime_header_get_raw_name(header) : "";
        while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) {
            name.pop_back();
        }
        out.push_back({offset, std::move(name)});
    }
}

} // namespace

bool header_name_equals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool is_content_header(std::string_view name) {
    constexpr std::string_view prefix = "content-";
    return name.size() > prefix.size() && header_name_equals(name.substr(0, prefix.size()), prefix);
}

bool header_has_bare_cr(const ParsedMessage& message) {
    return std::any_of(message.headers().begin(), message.headers().end(), [](const auto& field) {
        const std::string_view raw = field.raw;
        for (auto cr = raw.find('\r'); cr != std::string_view::npos; cr = raw.find('\r', cr + 1)) {
            if (cr + 1 == raw.size() || raw[cr + 1] != '\n') {
                return true;
            }
        }
        return false;
    });
}

namespace {

// GMime grows its buffer for a header field in small steps, so a header
// section of megabytes costs it time quadratic in its size wherever realloc
// cannot grow a block in place (under AddressSanitizer: minutes). MTAs cap
// headers far lower (Postfix keeps 100 kB per field, Sendmail 32 kB in all).
constexpr std::size_t kMaxHeaderSection = 1024 * 1024;

void refuse_huge_header_section(std::string_view message) {
    if (message.size() <= kMaxHeaderSection || message.starts_with("\n") ||
        message.starts_with("\r\n")) {
        return;
    }
    const std::string_view head = message.substr(0, kMaxHeaderSection);
    if (head.find("\n\n") == std::string_view::npos &&
        head.find("\n\r\n") == std::string_view::npos) {
        throw MessageError("header section larger than " +
                           std::to_string(kMaxHeaderSection / 1024) + " kB");
    }
}

} // namespace

ParsedMessage ParsedMessage::parse(std::string bytes) {
    ensure_gmime_initialized();
    refuse_huge_header_section(bytes);
    refuse_costly_delimiters([&](const auto& consume) { consume(bytes); });
    ParsedMessage parsed;
    parsed.bytes_ = std::make_unique<std::string>(std::move(bytes));
    const std::string& data = *parsed.bytes_;
    // The memory stream keeps its own copy of the bytes and frees it with itself.
    auto stream = adopt(g_mime_stream_mem_new_with_buffer(data.data(), data.size()));
    parsed.build(stream.get());
    return parsed;
}

ParsedMessage ParsedMessage::parse_spooled(std::string header_section,
                                           std::shared_ptr<const SpoolFile> body) {
    ensure_gmime_initialized();
    refuse_huge_header_section(header_section);
    refuse_costly_delimiters([&](const auto& consume) {
        consume(header_section);
        body->read_chunks(consume);
    });
    ParsedMessage parsed;
    parsed.bytes_ = std::make_unique<std::string>(std::move(header_section));
    parsed.spool_ = std::move(body);
    const std::string& data = *parsed.bytes_;
    auto stream = adopt(g_mime_stream_cat_new());
    auto head = adopt(g_mime_stream_mem_new_with_buffer(data.data(), data.size()));
    g_mime_stream_cat_add_source(GMIME_STREAM_CAT(stream.get()), head.get());
    g_mime_stream_cat_add_source(GMIME_STREAM_CAT(stream.get()), parsed.spool_->stream().get());
    parsed.build(stream.get());
    if (parsed.body_offset_ != data.size()) {
        throw MessageError("the spooled header section does not end with an empty line");
    }
    return parsed;
}

void ParsedMessage::build(GMimeStream* stream) {
    const std::string& data = *bytes_;
    auto parser = adopt(g_mime_parser_new_with_stream(stream));
    g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
    // Parts refer to ranges of the (seekable) stream rather than copies.
    g_mime_parser_set_persist_stream(parser.get(), TRUE);
    ParsedMessage& parsed = *this;
    parsed.message_ = adopt(g_mime_parser_construct_message(parser.get(), nullptr));
    if (!parsed.message_ || g_mime_message_get_mime_part(parsed.message_.get()) == nullptr) {
        throw MessageError("cannot parse message as MIME");
    }

    // GMime reports -1 for a message that is all header section, without the
    // empty line and body RFC 5322 3.5 makes optional.
    gint64 headers_end = g_mime_parser_get_headers_end(parser.get());
    if (headers_end < 0) {
        headers_end = static_cast<gint64>(data.size());
    }
    if (static_cast<std::uint64_t>(headers_end) > data.size()) {
        throw MessageError("cannot find the end of the header section");
    }

    // GMime files Content-* headers under the top part; together they are the
    // message's header section. Each field runs up to the next one's start.
    std::vector<RawHeaderStart> starts;
    collect_header_starts(GMIME_OBJECT(parsed.message_.get()), starts);
    collect_header_starts(g_mime_message_get_mime_part(parsed.message_.get()), starts);
    std::sort(starts.begin(), starts.end(),
              [](const auto& a, const auto& b) { return a.offset < b.offset; });
    starts.erase(std::unique(starts.begin(), starts.end(),
                             [](const auto& a, const auto& b) { return a.offset == b.offset; }),
                 starts.end());
    for (std::size_t i = 0; i < starts.size(); ++i) {
        const auto begin = static_cast<std::size_t>(starts[i].offset);
        const auto end = i + 1 < starts.size() ? static_cast<std::size_t>(starts[i + 1].offset)
                                               : static_cast<std::size_t>(headers_end);
        if (begin > end || end > data.size()) {
            throw MessageError("inconsistent header offsets");
        }
        parsed.headers_.push_back(
            {starts[i].name, std::string_view(data).substr(begin, end - begin)});
    }

    std::size_t body = static_cast<std::size_t>(headers_end);
    if (data.compare(body, 2, "\r\n") == 0) {
        body += 2;
    } else if (data.compare(body, 1, "\n") == 0) {
        body += 1;
    }
    parsed.body_offset_ = body;
    parsed.crlf_ = first_line_end_is_crlf(std::string_view(data).substr(0, body));
}

std::string_view ParsedMessage::body() const {
    if (spool_) {
        throw std::logic_error("the body of a spooled message is read with body_stream()");
    }
    return std::string_view(*bytes_).substr(body_offset_);
}

GObjectPtr<GMimeStream> ParsedMessage::body_stream() const {
    if (spool_) {
        return spool_->stream();
    }
    const std::string_view text = body();
    return adopt(g_mime_stream_mem_new_with_buffer(text.data(), text.size()));
}

bool ParsedMessage::body_ends_with_newline() const {
    if (!spool_) {
        return body().ends_with('\n');
    }
    return spool_->size() > 0 && spool_->byte_at(spool_->size() - 1) == '\n';
}

GMimeObject* ParsedMessage::top_part() const {
    return g_mime_message_get_mime_part(message_.get());
}

} // namespace mailveil::mime
