#include "pgp/address.h"

#include <algorithm>

namespace mailveil::pgp {
namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

} // namespace

std::string bare_address(std::string_view address) {
    while (!address.empty() && is_blank(address.front())) {
        address.remove_prefix(1);
    }
    while (!address.empty() && is_blank(address.back())) {
        address.remove_suffix(1);
    }
    if (address.size() >= 2 && address.front() == '<' && address.back() == '>') {
        address = address.substr(1, address.size() - 2);
    }
    return std::string(address);
}

std::string comparable_address(std::string_view address) {
    std::string out = bare_address(address);
    std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
    return out;
}

bool same_address(std::string_view a, std::string_view b) {
    return !a.empty() && comparable_address(a) == comparable_address(b);
}

} // namespace mailveil::pgp
