#include "mime/header_protection.h"

#include "core/errors.h"
#include "mime/entity_streams.h"
#include "mime/gmime_handles.h"
#include "mime/gmime_runtime.h"
#include "mime/line_endings.h"
#include "mime/part_content.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <optional>

namespace mailveil::mime {
namespace {

constexpr std::string_view kObscuredSubject = "[...]";
constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kDefaultContentType =
    "Content-Type: text/plain; charset=us-ascii; hp=\"cipher\"; protected-headers=\"v1\"\r\n";

constexpr std::array<std::string_view, 9> kTransitFields = {
    "Received",
    "Return-Path",
    "Delivered-To",
    "DKIM-Signature",
    "ARC-Seal",
    "ARC-Message-Signature",
    "ARC-Authentication-Results",
    "Authentication-Results",
    "Received-SPF",
};
constexpr std::array<std::string_view, 3> kWithheldFields = {"Bcc", "Resent-Bcc", "HP-Outer"};

enum class FieldClass {
    Content,     // Content-*: describes the body, goes into the payload's MIME header
    MimeVersion, // structural: copied, no HP-Outer
    OutsideOnly, // transit, Bcc, HP-Outer: never copied inside
    Protected,   // copied inside, subject to the HCP, recorded as HP-Outer
};

enum class Hcp { Keep, Obscure, Remove };

bool names_one_of(std::string_view name, const auto& names) {
    return std::any_of(names.begin(), names.end(),
                       [name](std::string_view n) { return header_name_equals(name, n); });
}

FieldClass classify_field(std::string_view name) {
    if (is_content_header(name)) {
        return FieldClass::Content;
    }
    if (header_name_equals(name, "MIME-Version")) {
        return FieldClass::MimeVersion;
    }
    if (names_one_of(name, kTransitFields) || names_one_of(name, kWithheldFields)) {
        return FieldClass::OutsideOnly;
    }
    return FieldClass::Protected;
}

// hcp_baseline, RFC 9788 section 3.2.1.
Hcp hcp_baseline(std::string_view name) {
    if (header_name_equals(name, "Subject")) {
        return Hcp::Obscure;
    }
    if (header_name_equals(name, "Comments") || header_name_equals(name, "Keywords")) {
        return Hcp::Remove;
    }
    return Hcp::Keep;
}

// The canonical spelling for outer_changes and the legacy display.
std::string_view canonical_name(std::string_view name) {
    for (std::string_view known : {"Subject", "Comments", "Keywords"}) {
        if (header_name_equals(name, known)) {
            return known;
        }
    }
    return name;
}

bool is_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string with_line_end(std::string_view raw) {
    std::string field(raw);
    if (field.empty() || field.back() != '\n') {
        field.append(kCrlf);
    }
    return field;
}

// A raw field's value: after the colon, without the blanks or fold that lead
// it and without its final line end; folds inside stay.
std::string_view raw_value(std::string_view raw) {
    const auto colon = raw.find(':');
    std::string_view value = colon == std::string_view::npos ? "" : raw.substr(colon + 1);
    if (value.ends_with(kCrlf)) {
        value.remove_suffix(2);
    } else if (value.ends_with('\n')) {
        value.remove_suffix(1);
    }
    const auto start = value.find_first_not_of(" \t\r\n");
    return start == std::string_view::npos ? "" : value.substr(start);
}

// The value as a reader would see it: unfolded, RFC 2047 decoded, valid
// UTF-8, on one line.
std::string display_value(std::string_view value) {
    const std::string copy(value);
    GCharPtr unfolded(g_mime_utils_header_unfold(copy.c_str()));
    GCharPtr decoded(g_mime_utils_header_decode_text(nullptr, unfolded.get()));
    std::string text = decoded ? decoded.get() : "";
    if (!g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr)) {
        GCharPtr valid(g_utf8_make_valid(text.data(), static_cast<gssize>(text.size())));
        text = valid.get();
    }
    // Decoded words may carry CR, LF or other controls, which would forge display lines.
    std::replace_if(
        text.begin(), text.end(),
        [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == '\x7f'; }, ' ');
    const auto first = text.find_first_not_of(' ');
    if (first == std::string::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

struct DisplayLine {
    std::string_view name;
    std::string value; // UTF-8
};

struct HeaderPlan {
    std::string copies;         // protected fields (and MIME-Version) as received
    std::string content_fields; // Content-* as received
    std::string hp_outer;       // HP-Outer fields
    std::vector<OuterHeaderChange> outer_changes;
    std::vector<DisplayLine> hidden; // what the legacy display shows
};

void note_change(std::vector<OuterHeaderChange>& changes, std::string_view name,
                 std::optional<std::string> value) {
    const bool known = std::any_of(changes.begin(), changes.end(), [name](const auto& change) {
        return header_name_equals(change.name, name);
    });
    if (!known) {
        changes.push_back({std::string(name), std::move(value)});
    }
}

void add_hp_outer(std::string& out, std::string_view name, std::string_view value) {
    out.append("HP-Outer: ").append(name).append(":");
    if (!value.empty()) {
        out.append(" ").append(value);
    }
    out.append(kCrlf);
}

void plan_protected_field(HeaderPlan& plan, const HeaderField& field) {
    plan.copies.append(with_line_end(field.raw));
    const std::string_view value = raw_value(field.raw);
    const Hcp action = hcp_baseline(field.name);
    if (action == Hcp::Keep) {
        add_hp_outer(plan.hp_outer, field.name, value);
        return;
    }
    const std::string_view name = canonical_name(field.name);
    if (std::string shown = display_value(value); !shown.empty()) {
        plan.hidden.push_back({name, std::move(shown)});
    }
    if (action == Hcp::Remove) {
        note_change(plan.outer_changes, name, std::nullopt);
        return;
    }
    const auto before = plan.outer_changes.size();
    note_change(plan.outer_changes, name, std::string(kObscuredSubject));
    if (plan.outer_changes.size() != before) { // the one outer field left
        add_hp_outer(plan.hp_outer, name, kObscuredSubject);
    }
}

HeaderPlan plan_headers(const ParsedMessage& message) {
    HeaderPlan plan;
    for (const auto& field : message.headers()) {
        switch (classify_field(field.name)) {
        case FieldClass::Content:
            plan.content_fields.append(with_line_end(field.raw));
            break;
        case FieldClass::MimeVersion:
            plan.copies.append(with_line_end(field.raw));
            break;
        case FieldClass::OutsideOnly:
            break;
        case FieldClass::Protected:
            plan_protected_field(plan, field);
            break;
        }
    }
    return plan;
}

bool has_content_type(const ParsedMessage& message) {
    return std::any_of(message.headers().begin(), message.headers().end(), [](const auto& field) {
        return header_name_equals(field.name, "Content-Type");
    });
}

// ---- charsets --------------------------------------------------------------

bool charset_is_ascii(const char* charset) {
    if (charset == nullptr) {
        return true; // RFC 2045 section 5.2 default
    }
    const std::string name = lower(charset);
    return name == "us-ascii" || name == "ascii" || name == "ansi_x3.4-1968" ||
           name == "iso646-us" || name == "us";
}

bool charset_is_utf8(const char* charset) {
    return charset != nullptr && lower(g_mime_charset_canon_name(charset)) == "utf-8";
}

// Charsets in which ASCII bytes are not ASCII text (or, for UTF-7, not always).
bool charset_keeps_ascii(const char* charset) {
    if (charset == nullptr) {
        return true;
    }
    const std::string name = lower(g_mime_charset_iconv_name(charset));
    for (std::string_view wide : {"utf-16", "utf16", "utf-32", "utf32", "ucs-2", "ucs2", "ucs-4",
                                  "ucs4", "utf-7", "utf7", "unicode"}) {
        if (name.starts_with(wide)) {
            return false;
        }
    }
    return true;
}

std::optional<std::string> convert_to_utf8(std::string_view bytes, const char* charset) {
    gsize written = 0;
    GError* error = nullptr;
    GCharPtr converted(g_convert(bytes.data(), static_cast<gssize>(bytes.size()), "UTF-8",
                                 g_mime_charset_iconv_name(charset), nullptr, &written, &error));
    if (error != nullptr) {
        g_error_free(error);
        return std::nullopt;
    }
    return std::string(converted.get(), written);
}

// ---- legacy display element --------------------------------------------------

struct Decorated {
    std::string content;                // the part's new decoded content
    std::optional<std::string> charset; // a new charset parameter, if one is needed
};

std::string_view newline_of(std::string_view text) {
    return text.find('\n') == std::string_view::npos || first_line_end_is_crlf(text) ? kCrlf : "\n";
}

std::string display_text(const std::vector<DisplayLine>& lines, std::string_view eol,
                         std::string (*escape)(std::string_view)) {
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i > 0) {
            out.append(eol);
        }
        out.append(escape(std::string(lines[i].name) + ": " + lines[i].value));
    }
    return out;
}

std::string as_is(std::string_view text) {
    return std::string(text);
}

// HTML text in ASCII: markup characters and everything non-ASCII as character
// references, so the element fits the part's bytes whatever its charset.
std::string html_escape(std::string_view utf8) {
    std::string out;
    const std::string text(utf8);
    for (const char* p = text.c_str(); *p != '\0'; p = g_utf8_next_char(p)) {
        switch (const gunichar c = g_utf8_get_char(p)) {
        case '&':
            out.append("&amp;");
            break;
        case '<':
            out.append("&lt;");
            break;
        case '>':
            out.append("&gt;");
            break;
        case '"':
            out.append("&quot;");
            break;
        default:
            if (c < 0x80) {
                out.push_back(static_cast<char>(c));
            } else {
                out.append("&#").append(std::to_string(c)).append(";");
            }
        }
    }
    return out;
}

std::optional<Decorated> decorate_plain(std::string_view decoded, const char* charset,
                                        const std::vector<DisplayLine>& lines) {
    Decorated result;
    std::string text;
    if (charset_is_ascii(charset) || charset_is_utf8(charset)) {
        text = std::string(decoded);
    } else if (auto converted = convert_to_utf8(decoded, charset)) {
        text = std::move(*converted);
        result.charset = "utf-8";
    } else {
        return std::nullopt;
    }
    const std::string_view eol = newline_of(text);
    const std::string shown = display_text(lines, eol, as_is);
    if (charset_is_ascii(charset) && !is_ascii(shown)) {
        result.charset = "utf-8";
    }
    result.content = shown + std::string(eol) + std::string(eol) + text;
    return result;
}

std::size_t after_tag(const std::string& html, std::size_t open) {
    char quote = '\0';
    for (std::size_t i = open + 1; i < html.size(); ++i) {
        const char c = html[i];
        if (quote != '\0') {
            quote = c == quote ? '\0' : quote;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            return i + 1;
        }
    }
    return std::string::npos;
}

bool tag_is(const std::string& html, std::size_t open, std::string_view name) {
    const std::size_t end = open + 1 + name.size();
    if (html.compare(open + 1, name.size(), name) != 0 || end >= html.size()) {
        return false;
    }
    const char next = html[end];
    return next == '>' || next == '/' || std::isspace(static_cast<unsigned char>(next));
}

// Where the element goes: right after the <body> start tag. Comments and the
// raw text of script, style, title and textarea are skipped, so a "<body" in
// them is not taken for the tag. Without a body tag: after a leading doctype.
std::size_t html_insertion_point(std::string_view decoded) {
    const std::string html = lower(decoded);
    std::size_t at = 0;
    while ((at = html.find('<', at)) != std::string::npos) {
        if (html.compare(at, 4, "<!--") == 0) {
            const auto end = html.find("-->", at + 4);
            at = end == std::string::npos ? html.size() : end + 3;
            continue;
        }
        if (tag_is(html, at, "body")) {
            return std::min(after_tag(html, at), html.size());
        }
        for (std::string_view raw : {"script", "style", "title", "textarea"}) {
            if (tag_is(html, at, raw)) {
                at = std::min(html.find("</" + std::string(raw), at), html.size());
                break;
            }
        }
        ++at;
    }
    const auto start = html.find_first_not_of(" \t\r\n\xef\xbb\xbf");
    if (start != std::string::npos && html.compare(start, 9, "<!doctype") == 0) {
        return std::min(after_tag(html, start), html.size());
    }
    return 0;
}

std::optional<Decorated> decorate_html(std::string_view decoded, const char* charset,
                                       const std::vector<DisplayLine>& lines) {
    if (!charset_keeps_ascii(charset)) {
        return std::nullopt;
    }
    const std::string eol(newline_of(decoded));
    const std::string element = eol + "<div class=\"header-protection-legacy-display\">" + eol +
                                "<pre>" + display_text(lines, eol, html_escape) + "</pre>" + eol +
                                "</div>" + eol;
    std::string content(decoded);
    content.insert(html_insertion_point(decoded), element);
    return Decorated{std::move(content), std::nullopt};
}

void replace_content(GMimePart* part, std::string_view content) {
    auto stream = adopt(g_mime_stream_mem_new_with_buffer(content.data(), content.size()));
    auto wrapper =
        adopt(g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT));
    g_mime_part_set_content(part, wrapper.get());
    // 7bit (or no encoding) cannot carry the 8-bit bytes the lines may bring.
    const GMimeContentEncoding encoding = g_mime_part_get_content_encoding(part);
    if ((encoding == GMIME_CONTENT_ENCODING_DEFAULT || encoding == GMIME_CONTENT_ENCODING_7BIT) &&
        !is_ascii(content)) {
        g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
    }
}

bool decorate_part(GMimePart* part, const std::vector<DisplayLine>& lines) {
    GMimeObject* object = GMIME_OBJECT(part);
    GMimeContentType* type = g_mime_object_get_content_type(object);
    if (g_mime_object_get_content_type_parameter(object, "hp-legacy-display") != nullptr) {
        return false; // decorated already; a second element would show twice
    }
    // A main text part that big is not read into memory to be decorated.
    GMimeDataWrapper* wrapper = g_mime_part_get_content(part);
    GMimeStream* content = wrapper != nullptr ? g_mime_data_wrapper_get_stream(wrapper) : nullptr;
    if (content != nullptr && g_mime_stream_length(content) > kMaxDecoratedPart) {
        return false;
    }
    const auto decoded = transfer_decoded(part);
    if (!decoded) {
        return false;
    }
    const char* charset = g_mime_object_get_content_type_parameter(object, "charset");
    const auto decorated = g_mime_content_type_is_type(type, "text", "html")
                               ? decorate_html(*decoded, charset, lines)
                               : decorate_plain(*decoded, charset, lines);
    if (!decorated) {
        return false;
    }
    replace_content(part, decorated->content);
    if (decorated->charset) {
        g_mime_object_set_content_type_parameter(object, "charset", decorated->charset->c_str());
    }
    g_mime_object_set_content_type_parameter(object, "hp-legacy-display", "1");
    return true;
}

bool is_main_text(GMimeObject* object) {
    if (!GMIME_IS_TEXT_PART(object) || g_mime_part_is_attachment(GMIME_PART(object))) {
        return false;
    }
    GMimeContentType* type = g_mime_object_get_content_type(object);
    return g_mime_content_type_is_type(type, "text", "plain") ||
           g_mime_content_type_is_type(type, "text", "html");
}

// Main body parts (RFC 9787): every alternative, the first child of other
// multiparts; never inside a signed or encrypted multipart, whose bytes are
// covered by a signature or are ciphertext.
void collect_main_body_parts(GMimeObject* object, std::vector<GMimePart*>& out) {
    if (GMIME_IS_MULTIPART_SIGNED(object) || GMIME_IS_MULTIPART_ENCRYPTED(object)) {
        return;
    }
    if (GMIME_IS_MULTIPART(object)) {
        GMimeMultipart* multipart = GMIME_MULTIPART(object);
        const bool alternative = g_mime_content_type_is_type(g_mime_object_get_content_type(object),
                                                             "multipart", "alternative");
        const int count = alternative ? g_mime_multipart_get_count(multipart)
                                      : std::min(1, g_mime_multipart_get_count(multipart));
        for (int i = 0; i < count; ++i) {
            collect_main_body_parts(g_mime_multipart_get_part(multipart, i), out);
        }
        return;
    }
    if (is_main_text(object)) {
        out.push_back(GMIME_PART(object));
    }
}

// Where a part lay in the stream it was parsed from: its first header field
// up to the end of its content (the line end before the next delimiter
// belongs to the delimiter). Known only for a part read with a persistent
// stream straight from source.
struct SourceRange {
    gint64 begin = 0;
    gint64 end = 0;
};

std::optional<SourceRange> source_range(GMimePart* part, GMimeStream* source) {
    GMimeHeaderList* headers = g_mime_object_get_header_list(GMIME_OBJECT(part));
    if (source == nullptr || headers == nullptr || g_mime_header_list_get_count(headers) == 0) {
        return std::nullopt;
    }
    const gint64 begin = g_mime_header_get_offset(g_mime_header_list_get_header_at(headers, 0));
    GMimeDataWrapper* wrapper = g_mime_part_get_content(part);
    GMimeStream* content = wrapper != nullptr ? g_mime_data_wrapper_get_stream(wrapper) : nullptr;
    if (content == nullptr || content->super_stream != source || begin < 0 ||
        content->bound_start < begin || content->bound_end < content->bound_start) {
        return std::nullopt;
    }
    return SourceRange{begin, content->bound_end};
}

// The main body parts given a legacy display, each with where it lay in
// source (nullopt where that is unknown).
using Decorations = std::vector<std::pair<GMimePart*, std::optional<SourceRange>>>;

Decorations add_legacy_display(GMimeObject* root, const std::vector<DisplayLine>& lines,
                               GMimeStream* source = nullptr) {
    Decorations decorated;
    if (lines.empty()) {
        return decorated;
    }
    std::vector<GMimePart*> parts;
    collect_main_body_parts(root, parts);
    for (GMimePart* part : parts) {
        const auto range = source_range(part, source); // before its content is replaced
        if (decorate_part(part, lines)) {
            decorated.emplace_back(part, range);
        }
    }
    return decorated;
}

// ---- the entity ----------------------------------------------------------------

GObjectPtr<GMimeObject> parse_entity_stream(GMimeStream* stream) {
    auto parser = adopt(g_mime_parser_new_with_stream(stream));
    g_mime_parser_set_persist_stream(parser.get(), TRUE);
    auto object = adopt(g_mime_parser_construct_part(parser.get(), nullptr));
    if (!object) {
        throw MessageError("cannot parse the message body as a MIME entity");
    }
    return object;
}

struct ParsedEntity {
    GObjectPtr<GMimeStream> source; // what the parts' content streams are ranges of
    GObjectPtr<GMimeObject> root;
};

ParsedEntity parse_entity(std::string_view entity) {
    // The stream copies the bytes and owns the copy: g_mime_stream_mem_set_owner(FALSE)
    // here would leak it, not borrow the caller's buffer.
    ParsedEntity parsed;
    parsed.source = adopt(g_mime_stream_mem_new_with_buffer(entity.data(), entity.size()));
    auto parser = adopt(g_mime_parser_new_with_stream(parsed.source.get()));
    // Parts refer to ranges of the stream's copy instead of a copy each.
    g_mime_parser_set_persist_stream(parser.get(), TRUE);
    parsed.root = adopt(g_mime_parser_construct_part(parser.get(), nullptr));
    if (!parsed.root) {
        throw MessageError("cannot parse the message body as a MIME entity");
    }
    return parsed;
}

void ensure_parameter(GMimeObject* object, const char* name, std::string_view value) {
    const char* current = g_mime_object_get_content_type_parameter(object, name);
    if (current == nullptr || value != current) {
        g_mime_object_set_content_type_parameter(object, name, std::string(value).c_str());
    }
}

FormatOptionsPtr crlf_options() {
    FormatOptionsPtr options(g_mime_format_options_new());
    g_mime_format_options_set_newline_format(options.get(), GMIME_NEWLINE_FORMAT_DOS);
    return options;
}

std::string header_section(GMimeObject* root) {
    const auto options = crlf_options();
    GCharPtr headers(g_mime_object_get_headers(root, options.get()));
    if (!headers) {
        throw MessageError("cannot write the protected MIME header");
    }
    return headers.get();
}

std::string written_content(GMimeObject* root, std::string_view original_body) {
    const auto options = crlf_options();
    auto out = adopt(g_mime_stream_mem_new());
    if (g_mime_object_write_content_to_stream(root, options.get(), out.get()) < 0) {
        throw MessageError("cannot write the body with its legacy display");
    }
    GByteArray* array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.get()));
    std::string body(reinterpret_cast<const char*>(array->data), array->len);
    // GMime drops the line end that closes a multipart's epilogue; keep the input's.
    if (original_body.ends_with(kCrlf) && !body.ends_with(kCrlf)) {
        body.append(kCrlf);
    }
    return body;
}

std::string written_part(GMimePart* part) {
    const auto options = crlf_options();
    GCharPtr text(g_mime_object_to_string(GMIME_OBJECT(part), options.get()));
    if (!text) {
        throw MessageError("cannot write a body part with its legacy display");
    }
    return to_crlf_reusing(std::string(text.get()));
}

// The body with each decorated part written in place of its original bytes,
// the rest (an attachment, say) copied as it was; nullopt when a part's place
// is unknown. GMime writing the whole body would encode every part anew.
std::optional<std::string> spliced_body(std::string_view entity, std::size_t body_offset,
                                        Decorations decorated) {
    if (std::any_of(decorated.begin(), decorated.end(), [](const auto& d) { return !d.second; })) {
        return std::nullopt;
    }
    std::sort(decorated.begin(), decorated.end(),
              [](const auto& a, const auto& b) { return a.second->begin < b.second->begin; });
    std::string body;
    std::size_t at = body_offset;
    for (const auto& [part, range] : decorated) {
        if (range->begin < static_cast<gint64>(at) ||
            range->end > static_cast<gint64>(entity.size())) {
            return std::nullopt;
        }
        body.append(entity.substr(at, static_cast<std::size_t>(range->begin) - at));
        body.append(written_part(part));
        at = static_cast<std::size_t>(range->end);
    }
    body.append(entity.substr(at));
    return body;
}

} // namespace

ProtectedStream protect_headers_streaming(const ParsedMessage& message) {
    if (!message.spooled()) {
        auto payload = protect_headers(message);
        ProtectedStream out;
        out.entity = memory_stream(payload.entity);
        out.outer_changes = std::move(payload.outer_changes);
        out.headers_protected = payload.headers_protected;
        return out;
    }
    ensure_gmime_initialized();
    HeaderPlan plan = plan_headers(message);
    const std::string_view default_type = has_content_type(message) ? "" : kDefaultContentType;
    const std::string content_head =
        to_crlf(std::string(default_type) + plan.content_fields) + std::string(kCrlf);

    auto head_stream = memory_stream(content_head);
    auto source = concatenated(head_stream.get(), message.body_stream().get());
    const auto root = parse_entity_stream(source.get());
    ProtectedStream out;
    if (GMIME_IS_MULTIPART_SIGNED(root.get()) || GMIME_IS_MULTIPART_ENCRYPTED(root.get())) {
        out.entity = crlf_filtered(
            concatenated(memory_stream(content_head).get(), message.body_stream().get()));
        return out;
    }
    const bool decorated = !add_legacy_display(root.get(), plan.hidden).empty();
    ensure_parameter(root.get(), "hp", "cipher");
    ensure_parameter(root.get(), "protected-headers", "v1");

    const std::string head =
        to_crlf(plan.copies + header_section(root.get()) + plan.hp_outer) + std::string(kCrlf);
    auto body = decorated ? spool_content(root.get(), crlf_options().get(), message, kCrlf,
                                          "the body with its legacy display")
                                ->stream()
                          : message.body_stream();
    out.entity = crlf_filtered(concatenated(memory_stream(head).get(), body.get()));
    out.outer_changes = std::move(plan.outer_changes);
    out.headers_protected = true;
    return out;
}

ProtectedPayload protect_headers(const ParsedMessage& message) {
    ensure_gmime_initialized();
    HeaderPlan plan = plan_headers(message);

    const std::string_view default_type = has_content_type(message) ? "" : kDefaultContentType;
    std::string original = to_crlf(std::string(default_type) + plan.content_fields);
    original.append(kCrlf);
    const std::size_t body_offset = original.size();
    original.append(to_crlf(message.body()));
    const std::string_view body = std::string_view(original).substr(body_offset);

    const auto [source, root] = parse_entity(original);
    if (GMIME_IS_MULTIPART_SIGNED(root.get()) || GMIME_IS_MULTIPART_ENCRYPTED(root.get())) {
        return {std::move(original), {}, false};
    }

    const auto decorated = add_legacy_display(root.get(), plan.hidden, source.get());
    ensure_parameter(root.get(), "hp", "cipher");
    ensure_parameter(root.get(), "protected-headers", "v1");

    std::optional<std::string> new_body;
    if (!decorated.empty() && GMIME_IS_MULTIPART(root.get())) {
        new_body = spliced_body(original, body_offset, decorated);
    }
    if (!decorated.empty() && !new_body) {
        new_body = to_crlf_reusing(written_content(root.get(), body));
    }
    ProtectedPayload payload;
    payload.entity = to_crlf(plan.copies + header_section(root.get()) + plan.hp_outer);
    payload.entity.append(kCrlf).append(new_body ? std::string_view(*new_body) : body);
    payload.outer_changes = std::move(plan.outer_changes);
    payload.headers_protected = true;
    return payload;
}

} // namespace mailveil::mime
