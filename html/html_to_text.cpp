// html_to_text.cpp - the pipeline: charset, decode, prepass, parse, lay out, render.
#include "html/html_to_text.h"

#include "html/charset.h"
#include "html/decode.h"
#include "html/layout.h"
#include "html/links.h"
#include "html/parse.h"
#include "html/legacy_references.h"
#include "html/prepass.h"
#include "html/render.h"

#include <algorithm>

namespace mailveil::html {
namespace {

constexpr std::size_t kMinWidth = 20;
constexpr std::size_t kMaxWidth = 500;
// Offsets inside the converter are 32-bit.
constexpr std::size_t kHardInputLimit = 1024u * 1024u * 1024u;

} // namespace

Text convert(std::string_view html, std::string_view mime_charset, const Options& options) {
    if (html.size() > std::min(options.max_input_bytes, kHardInputLimit))
        throw TooLarge("HTML part of " + std::to_string(html.size()) + " bytes is over the limit");
    Options opts = options;
    opts.width = std::clamp(opts.width, kMinWidth, kMaxWidth);

    const Charset charset = decide_charset(html, mime_charset);
    std::string decoded = decode_to_utf8(html.substr(charset.bom_length), charset.name);
    if (auto terminated = terminate_legacy_references(decoded)) {
        decoded = std::move(*terminated);
    }
    const Prepassed input = prepass(decoded);
    if (input.html.size() > kHardInputLimit)
        throw TooLarge("HTML part too large once decoded");
    // Blocks are wrapped as the walk produces them; the tree goes before the
    // link list is added.
    BlockRenderer renderer(opts.width);
    LinkTable links;
    {
        const Tree tree = parse_html(input.html);
        links = LinkTable(base_href(tree));
        lay_out(tree, opts, links, input.hidden_classes, renderer);
    }
    return renderer.finish(opts.link_list ? links.urls() : std::vector<std::string>{});
}

std::string to_text(std::string_view html, std::string_view mime_charset, const Options& options) {
    const Text text = convert(html, mime_charset, options);
    return options.flowed ? format_flowed(text) : format_plain(text);
}

} // namespace mailveil::html
