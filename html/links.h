// links.h - link targets, their reference numbers and the list at the end.
//
// A link shows as its text followed by "[n]", and "[n] URL" is listed after
// the text; the same URL keeps one number. No reference for links that lead
// nowhere a reader can follow: empty, "#fragment", javascript:, vbscript:,
// data:, about:. Relative links are resolved against <base href> when there
// is one. Whitespace inside a URL is removed or escaped so that the URL stays
// one unbroken token.
//
// Never fails.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mailveil::html {

class LinkTable {
  public:
    explicit LinkTable(std::string base = {}) : base_(std::move(base)) {}

    // The URL to reference for an href, or "" when the link gets none.
    std::string target(std::string_view href) const;
    // 1-based reference number of the URL.
    unsigned number(const std::string& url);
    const std::vector<std::string>& urls() const { return urls_; }

  private:
    std::string base_;
    std::vector<std::string> urls_;
    std::unordered_map<std::string, unsigned> numbers_;
};

// True when the visible link text already says where the link goes: the
// text is the URL itself, or the URL is "mailto:" + the text.
bool text_is_url(std::string_view text, std::string_view url);

} // namespace mailveil::html
