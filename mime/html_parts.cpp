#include "mime/html_parts.h"

#include "core/errors.h"
#include "html/html_to_text.h"
#include "mime/entity_streams.h"
#include "mime/gmime_handles.h"
#include "mime/gmime_runtime.h"
#include "mime/part_content.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace mailveil::mime {
namespace {

using ObjectPtr = GObjectPtr<GMimeObject>;

ObjectPtr add_ref(GMimeObject* object) {
    return ObjectPtr(GMIME_OBJECT(g_object_ref(object)));
}

template <typename T> ObjectPtr as_object(GObjectPtr<T> owned) {
    return ObjectPtr(GMIME_OBJECT(owned.release()));
}

// ---- what a part is ------------------------------------------------------------

bool has_type(GMimeObject* object, const char* type, const char* subtype) {
    return g_mime_content_type_is_type(g_mime_object_get_content_type(object), type, subtype);
}

bool is_attachment(GMimeObject* object) {
    GMimeContentDisposition* disposition = g_mime_object_get_content_disposition(object);
    return disposition != nullptr && g_mime_content_disposition_is_attachment(disposition);
}

// Parts whose bytes are not ours to change.
bool is_sealed(GMimeObject* object) {
    return GMIME_IS_MULTIPART_SIGNED(object) || GMIME_IS_MULTIPART_ENCRYPTED(object);
}

bool is_leaf(GMimeObject* object, const char* subtype) {
    return GMIME_IS_PART(object) && has_type(object, "text", subtype) && !is_attachment(object);
}

int child_count(GMimeObject* object) {
    return g_mime_multipart_get_count(GMIME_MULTIPART(object));
}

GMimeObject* child(GMimeObject* object, int index) {
    return g_mime_multipart_get_part(GMIME_MULTIPART(object), index);
}

// The root of a multipart/related (RFC 2387): the child whose Content-ID the
// "start" parameter names, else the first; -1 for an empty one.
int related_root(GMimeObject* related) {
    const int count = child_count(related);
    if (count == 0) {
        return -1;
    }
    const char* start = g_mime_object_get_content_type_parameter(related, "start");
    if (start == nullptr) {
        return 0;
    }
    std::string_view wanted(start);
    if (wanted.starts_with('<') && wanted.ends_with('>') && wanted.size() >= 2) {
        wanted = wanted.substr(1, wanted.size() - 2);
    }
    for (int i = 0; i < count; ++i) {
        const char* id = g_mime_object_get_content_id(child(related, i));
        if (id != nullptr && wanted == id) {
            return i;
        }
    }
    return 0;
}

bool is_container(GMimeObject* object, int depth) {
    return depth <= kMaxHtmlDepth && GMIME_IS_MULTIPART(object) && !is_sealed(object) &&
           !is_attachment(object);
}

// An HTML body as one alternative: a text/html part, or a multipart/related
// whose root is one.
bool is_html_body(GMimeObject* object, int depth) {
    if (is_leaf(object, "html")) {
        return true;
    }
    if (!is_container(object, depth) || !has_type(object, "multipart", "related")) {
        return false;
    }
    const int root = related_root(object);
    return root >= 0 && is_html_body(child(object, root), depth + 1);
}

// True when a client would display HTML from this subtree.
bool shows_html(GMimeObject* object, int depth) {
    if (is_leaf(object, "html")) {
        return true;
    }
    if (!is_container(object, depth)) {
        return false;
    }
    for (int i = 0; i < child_count(object); ++i) {
        if (shows_html(child(object, i), depth + 1)) {
            return true;
        }
    }
    return false;
}

// ---- content -------------------------------------------------------------------

// 7bit carries ASCII in lines of at most 78 characters (RFC 5322 2.1.1) and
// no control characters but tab; anything else goes quoted-printable.
bool fits_7bit(std::string_view text) {
    std::size_t column = 0;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\n') {
            column = 0;
            continue;
        }
        if (byte >= 0x80 || (byte < 0x20 && c != '\t') || byte == 0x7f || ++column > 78) {
            return false;
        }
    }
    return true;
}

ObjectPtr text_part(std::string_view text, bool flowed) {
    auto part = adopt(g_mime_text_part_new_with_subtype("plain"));
    GMimeObject* object = GMIME_OBJECT(part.get());
    g_mime_object_set_content_type_parameter(object, "charset", "utf-8");
    if (flowed) {
        g_mime_object_set_content_type_parameter(object, "format", "flowed");
        g_mime_object_set_content_type_parameter(object, "delsp", "yes");
    }
    auto stream = adopt(g_mime_stream_mem_new_with_buffer(text.data(), text.size()));
    auto wrapper =
        adopt(g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT));
    g_mime_part_set_content(GMIME_PART(object), wrapper.get());
    g_mime_part_set_content_encoding(GMIME_PART(object),
                                     fits_7bit(text) ? GMIME_CONTENT_ENCODING_7BIT
                                                     : GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
    return as_object(std::move(part));
}

ObjectPtr new_multipart(const char* subtype) {
    auto multipart = adopt(g_mime_multipart_new_with_subtype(subtype));
    g_mime_multipart_set_boundary(multipart.get(), nullptr); // a fresh random one
    return as_object(std::move(multipart));
}

// ---- the two rewriting modes ---------------------------------------------------

class Rewriter {
  public:
    explicit Rewriter(const HtmlOptions& options) : options_(options) {}

    // The object that takes `object`'s place, or null when it keeps its place
    // (its children may have changed in place; changed() says).
    ObjectPtr rewrite(GMimeObject* object, int depth) {
        return options_.mode == HtmlMode::Text ? as_text(object, depth)
                                               : with_alternative(object, depth);
    }

    bool changed() const { return changed_; }

  private:
    using Step = ObjectPtr (Rewriter::*)(GMimeObject*, int);

    std::optional<std::string> converted(GMimeObject* html) const {
        const auto content = transfer_decoded(GMIME_PART(html));
        if (!content) {
            return std::nullopt;
        }
        const char* charset = g_mime_object_get_content_type_parameter(html, "charset");
        html::Options options;
        options.width = options_.width;
        options.flowed = options_.flowed;
        try {
            return html::to_text(*content, charset != nullptr ? charset : "", options);
        } catch (const html::Error&) {
            return std::nullopt; // left as HTML rather than failing the message
        }
    }

    ObjectPtr html_as_text(GMimeObject* html) {
        const auto text = converted(html);
        if (!text) {
            return {};
        }
        changed_ = true;
        return text_part(*text, options_.flowed);
    }

    void rewrite_children(GMimeObject* multipart, int depth, Step step) {
        for (int i = 0; i < child_count(multipart); ++i) {
            if (ObjectPtr replacement = (this->*step)(child(multipart, i), depth + 1)) {
                adopt(g_mime_multipart_replace(GMIME_MULTIPART(multipart), i, replacement.get()));
                changed_ = true;
            }
        }
    }

    // -- text --

    ObjectPtr as_text(GMimeObject* object, int depth) {
        if (is_leaf(object, "html")) {
            return html_as_text(object);
        }
        if (!is_container(object, depth)) {
            return {};
        }
        if (has_type(object, "multipart", "related")) {
            if (ObjectPtr replacement = related_as_text(object, depth)) {
                return replacement;
            }
        }
        const bool dropped =
            has_type(object, "multipart", "alternative") && drop_html_alternatives(object, depth);
        rewrite_children(object, depth, &Rewriter::as_text);
        if (dropped && child_count(object) == 1) {
            return add_ref(child(object, 0));
        }
        return {};
    }

    // With a text/plain alternative present, the HTML ones go.
    bool drop_html_alternatives(GMimeObject* alternative, int depth) {
        bool has_plain = false;
        for (int i = 0; i < child_count(alternative); ++i) {
            has_plain = has_plain || is_leaf(child(alternative, i), "plain");
        }
        if (!has_plain) {
            return false;
        }
        bool dropped = false;
        for (int i = child_count(alternative) - 1; i >= 0; --i) {
            if (is_html_body(child(alternative, i), depth + 1)) {
                adopt(g_mime_multipart_remove_at(GMIME_MULTIPART(alternative), i));
                dropped = true;
            }
        }
        changed_ = changed_ || dropped;
        return dropped;
    }

    // The related container gives way to its root as text; the inline parts the
    // HTML referenced go with it, attachments stay beside the text.
    ObjectPtr related_as_text(GMimeObject* related, int depth) {
        const int root_index = related_root(related);
        if (root_index < 0 || !shows_html(child(related, root_index), depth + 1)) {
            return {};
        }
        GMimeObject* root = child(related, root_index);
        ObjectPtr text = as_text(root, depth + 1);
        if (!text) {
            text = add_ref(root); // its children changed in place, or nothing could
        }
        if (shows_html(text.get(), depth + 1)) {
            return {}; // the converter failed somewhere: keep what the HTML refers to
        }
        std::vector<GMimeObject*> attachments;
        for (int i = 0; i < child_count(related); ++i) {
            if (i != root_index && is_attachment(child(related, i))) {
                attachments.push_back(child(related, i));
            }
        }
        changed_ = true;
        if (attachments.empty()) {
            return text;
        }
        ObjectPtr mixed = new_multipart("mixed");
        g_mime_multipart_add(GMIME_MULTIPART(mixed.get()), text.get());
        for (GMimeObject* attachment : attachments) {
            g_mime_multipart_add(GMIME_MULTIPART(mixed.get()), attachment);
        }
        return mixed;
    }

    // -- alternative --

    ObjectPtr with_alternative(GMimeObject* object, int depth) {
        if (is_leaf(object, "html")) {
            return offered_beside_text(object, object);
        }
        if (!is_container(object, depth) || has_type(object, "multipart", "alternative")) {
            return {};
        }
        if (has_type(object, "multipart", "related")) {
            const int root = related_root(object);
            return root >= 0 && is_leaf(child(object, root), "html")
                       ? offered_beside_text(object, child(object, root))
                       : ObjectPtr();
        }
        rewrite_children(object, depth, &Rewriter::with_alternative);
        return {};
    }

    ObjectPtr offered_beside_text(GMimeObject* offered, GMimeObject* html) {
        const auto text = converted(html);
        if (!text) {
            return {};
        }
        ObjectPtr alternative = new_multipart("alternative");
        g_mime_multipart_add(GMIME_MULTIPART(alternative.get()),
                             text_part(*text, options_.flowed).get());
        g_mime_multipart_add(GMIME_MULTIPART(alternative.get()), offered);
        changed_ = true;
        return alternative;
    }

    const HtmlOptions& options_;
    bool changed_ = false;
};

// ---- the message ---------------------------------------------------------------

std::string with_line_end(std::string_view raw, std::string_view eol) {
    std::string field(raw);
    if (!field.ends_with('\n')) {
        field.append(eol);
    }
    return field;
}

ObjectPtr parse_entity(const ParsedMessage& message, std::string_view eol) {
    std::string head;
    for (const auto& field : message.headers()) {
        if (is_content_header(field.name)) {
            head.append(with_line_end(field.raw, eol));
        }
    }
    head.append(eol);
    // A spooled body is read from its file as the parser needs it, and the
    // parts keep referring to it (a persistent stream) instead of copies.
    auto stream = message.spooled()
                      ? concatenated(memory_stream(head).get(), message.body_stream().get())
                      : memory_stream(head + std::string(message.body()));
    auto parser = adopt(g_mime_parser_new_with_stream(stream.get()));
    g_mime_parser_set_persist_stream(parser.get(), TRUE);
    ObjectPtr object(g_mime_parser_construct_part(parser.get(), nullptr));
    if (!object) {
        throw MessageError("cannot parse the message body as a MIME entity");
    }
    return object;
}

FormatOptionsPtr format_options(bool crlf) {
    FormatOptionsPtr options(g_mime_format_options_new());
    g_mime_format_options_set_newline_format(options.get(), crlf ? GMIME_NEWLINE_FORMAT_DOS
                                                                 : GMIME_NEWLINE_FORMAT_UNIX);
    return options;
}

std::string header_section(const ParsedMessage& message, GMimeObject* root, bool root_replaced,
                           GMimeFormatOptions* options, std::string_view eol) {
    std::string out;
    bool has_mime_version = false;
    for (const auto& field : message.headers()) {
        if (root_replaced && is_content_header(field.name)) {
            continue;
        }
        has_mime_version = has_mime_version || header_name_equals(field.name, "MIME-Version");
        out.append(with_line_end(field.raw, eol));
    }
    if (!root_replaced) {
        return out;
    }
    if (!has_mime_version) {
        out.append("MIME-Version: 1.0").append(eol);
    }
    GCharPtr fields(g_mime_object_get_headers(root, options));
    if (!fields) {
        throw MessageError("cannot write the rewritten MIME header");
    }
    return out.append(fields.get());
}

std::string body_of(GMimeObject* root, GMimeFormatOptions* options, std::string_view original_body,
                    std::string_view eol) {
    auto out = adopt(g_mime_stream_mem_new());
    if (g_mime_object_write_content_to_stream(root, options, out.get()) < 0) {
        throw MessageError("cannot write the rewritten body");
    }
    const GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.get()));
    std::string body(reinterpret_cast<const char*>(bytes->data), bytes->len);
    // GMime drops the line end that closes a multipart's epilogue; keep the input's.
    if (original_body.ends_with(eol) && !body.ends_with(eol)) {
        body.append(eol);
    }
    return body;
}

// The HTML parts rewritten in the parsed entity; null when nothing changed.
struct RewrittenEntity {
    ObjectPtr root;
    bool root_replaced = false;
};

std::optional<RewrittenEntity> rewrite_entity(const ParsedMessage& message,
                                              const HtmlOptions& options, std::string_view eol) {
    if (options.mode == HtmlMode::Keep) {
        return std::nullopt;
    }
    // Most mail has no HTML to change: the parse the message already has says
    // so without copying its body into a second one.
    if (!shows_html(message.top_part(), 0)) {
        return std::nullopt;
    }
    ensure_gmime_initialized();
    RewrittenEntity out{parse_entity(message, eol), false};
    Rewriter rewriter(options);
    ObjectPtr replacement = rewriter.rewrite(out.root.get(), 0);
    if (!rewriter.changed()) {
        return std::nullopt;
    }
    if (replacement) {
        out.root = std::move(replacement);
        out.root_replaced = true;
    }
    return out;
}

} // namespace

std::optional<HtmlMode> parse_html_mode(std::string_view name) {
    for (const HtmlMode mode : {HtmlMode::Keep, HtmlMode::Text, HtmlMode::Alternative}) {
        if (name == html_mode_name(mode)) {
            return mode;
        }
    }
    return std::nullopt;
}

std::string_view html_mode_name(HtmlMode mode) {
    switch (mode) {
    case HtmlMode::Keep:
        return "keep";
    case HtmlMode::Text:
        return "text";
    case HtmlMode::Alternative:
        return "alternative";
    }
    return "keep";
}

namespace {

// What both forms of the rewrite share: the rewritten entity, the format to
// write it in, and the new header section up to and including the empty line.
struct RewrittenMessage {
    RewrittenEntity entity;
    FormatOptionsPtr format;
    std::string head;
};

std::optional<RewrittenMessage> rewrite_message(const ParsedMessage& message,
                                                const HtmlOptions& options, std::string_view eol) {
    auto entity = rewrite_entity(message, options, eol);
    if (!entity) {
        return std::nullopt;
    }
    RewrittenMessage out{std::move(*entity), format_options(message.uses_crlf()), {}};
    out.head = header_section(message, out.entity.root.get(), out.entity.root_replaced,
                              out.format.get(), eol);
    out.head.append(eol);
    return out;
}

std::string_view eol_of(const ParsedMessage& message) {
    return message.uses_crlf() ? "\r\n" : "\n";
}

} // namespace

std::optional<std::string> rewrite_html(const ParsedMessage& message, const HtmlOptions& options) {
    if (message.spooled()) {
        throw std::logic_error("rewrite_html_spooled() rewrites a spooled message");
    }
    auto rewritten = rewrite_message(message, options, eol_of(message));
    if (!rewritten) {
        return std::nullopt;
    }
    return rewritten->head + body_of(rewritten->entity.root.get(), rewritten->format.get(),
                                     message.body(), eol_of(message));
}

std::optional<ParsedMessage> rewrite_html_spooled(const ParsedMessage& message,
                                                  const HtmlOptions& options) {
    auto rewritten = rewrite_message(message, options, eol_of(message));
    if (!rewritten) {
        return std::nullopt;
    }
    auto body = spool_content(rewritten->entity.root.get(), rewritten->format.get(), message,
                              eol_of(message), "the rewritten body");
    return ParsedMessage::parse_spooled(std::move(rewritten->head), std::move(body));
}

} // namespace mailveil::mime
