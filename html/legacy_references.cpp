#include "html/legacy_references.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

namespace mailveil::html {
namespace {

// The names HTML decodes without ';' (the WHATWG table's legacy entries),
// sorted for binary search. The upper-case spellings are listed as
// libxml2 knows them: lower case (see lookup_name).
constexpr std::array<std::string_view, 100> kLegacy = {
    "AElig",  "Aacute", "Acirc",  "Agrave", "Aring",  "Atilde", "Auml",   "Ccedil", "ETH",
    "Eacute", "Ecirc",  "Egrave", "Euml",   "Iacute", "Icirc",  "Igrave", "Iuml",   "Ntilde",
    "Oacute", "Ocirc",  "Ograve", "Oslash", "Otilde", "Ouml",   "THORN",  "Uacute", "Ucirc",
    "Ugrave", "Uuml",   "Yacute", "aacute", "acirc",  "acute",  "aelig",  "agrave", "amp",
    "aring",  "atilde", "auml",   "brvbar", "ccedil", "cedil",  "cent",   "copy",   "curren",
    "deg",    "divide", "eacute", "ecirc",  "egrave", "eth",    "euml",   "frac12", "frac14",
    "frac34", "gt",     "iacute", "icirc",  "iexcl",  "igrave", "iquest", "iuml",   "laquo",
    "lt",     "macr",   "micro",  "middot", "nbsp",   "not",    "ntilde", "oacute", "ocirc",
    "ograve", "ordf",   "ordm",   "oslash", "otilde", "ouml",   "para",   "plusmn", "pound",
    "quot",   "raquo",  "reg",    "sect",   "shy",    "sup1",   "sup2",   "sup3",   "szlig",
    "thorn",  "times",  "uacute", "ucirc",  "ugrave", "uml",    "uuml",   "yacute", "yen",
    "yuml"};

bool is_legacy(std::string_view name) {
    if (name == "AMP" || name == "COPY" || name == "GT" || name == "LT" || name == "QUOT" ||
        name == "REG") {
        return true;
    }
    return std::binary_search(kLegacy.begin(), kLegacy.end(), name);
}

// The name written as libxml2 knows it (its table has no upper-case AMP etc.).
std::string_view lookup_name(std::string_view name) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kUpper = {
        {{"AMP", "amp"},
         {"COPY", "copy"},
         {"GT", "gt"},
         {"LT", "lt"},
         {"QUOT", "quot"},
         {"REG", "reg"}}};
    for (const auto& [upper, lower] : kUpper) {
        if (name == upper) {
            return lower;
        }
    }
    return name;
}

bool is_name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

} // namespace

std::optional<std::string> terminate_legacy_references(std::string_view html) {
    std::optional<std::string> out;
    std::size_t copied = 0;
    for (std::size_t at = html.find('&'); at != std::string_view::npos;
         at = html.find('&', at + 1)) {
        std::size_t end = at + 1;
        while (end < html.size() && is_name_char(html[end])) {
            ++end;
        }
        const std::string_view name = html.substr(at + 1, end - at - 1);
        if (name.empty() || name.size() > 6 ||
            (end < html.size() && (html[end] == ';' || html[end] == '=')) || !is_legacy(name)) {
            continue;
        }
        if (!out) {
            out.emplace();
            out->reserve(html.size() + 16);
        }
        out->append(html.substr(copied, at + 1 - copied)).append(lookup_name(name)).append(";");
        copied = end;
    }
    if (out) {
        out->append(html.substr(copied));
    }
    return out;
}

} // namespace mailveil::html
