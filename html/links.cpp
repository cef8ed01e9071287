// links.cpp - URL clean-up, filtering, resolution and numbering.
#include "html/links.h"

#include "html/ascii.h"

#include <libxml/uri.h>
#include <libxml/xmlmemory.h>
#include <memory>

namespace mailveil::html {
namespace {

struct XmlFree {
    void operator()(xmlChar* p) const { xmlFree(p); }
};

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// The scheme in lowercase, or "" for a relative reference.
std::string scheme_of(std::string_view url) {
    if (url.empty() || !is_alpha(url[0]))
        return {};
    std::string scheme;
    for (char c : url) {
        if (c == ':')
            return scheme;
        if (!is_alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.')
            return {};
        scheme += ascii_lower(c);
    }
    return {};
}

std::string clean(std::string_view href) {
    std::string out;
    out.reserve(href.size());
    for (char c : href) {
        const auto b = static_cast<unsigned char>(c);
        if (c == '\t' || c == '\n' || c == '\r' || b < 0x20 || b == 0x7F)
            continue; // browsers drop these from URLs
        if (c == ' ')
            out += "%20";
        else
            out += c;
    }
    // Leading and trailing spaces were part of the attribute, not the URL.
    while (out.starts_with("%20"))
        out.erase(0, 3);
    while (out.ends_with("%20"))
        out.erase(out.size() - 3);
    return out;
}

} // namespace

std::string LinkTable::target(std::string_view href) const {
    std::string url = clean(href);
    if (url.empty() || url[0] == '#')
        return {};
    const std::string scheme = scheme_of(url);
    if (scheme == "javascript" || scheme == "vbscript" || scheme == "data" || scheme == "about")
        return {};
    if (scheme.empty() && !base_.empty()) {
        std::unique_ptr<xmlChar, XmlFree> resolved(
            xmlBuildURI(reinterpret_cast<const xmlChar*>(url.c_str()),
                        reinterpret_cast<const xmlChar*>(base_.c_str())));
        if (resolved)
            url = reinterpret_cast<const char*>(resolved.get());
    }
    return url;
}

unsigned LinkTable::number(const std::string& url) {
    const auto [it, inserted] = numbers_.try_emplace(url, static_cast<unsigned>(urls_.size() + 1));
    if (inserted)
        urls_.push_back(url);
    return it->second;
}

bool text_is_url(std::string_view text, std::string_view url) {
    if (text.empty())
        return false;
    if (text == url)
        return true;
    if (url.size() == text.size() + 7 && scheme_of(url) == "mailto")
        return url.substr(7) == text;
    return false;
}

} // namespace mailveil::html
