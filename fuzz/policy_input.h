// policy_input.h - the input format of the policy file fuzz targets
// (fuzz_rules, fuzz_key_map): the file's text, then, after a NUL byte if
// there is one, addresses to look up, one per line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace mailveil::fuzz {

struct PolicyInput {
    std::string text;
    std::vector<std::string> addresses;
};

inline PolicyInput split_policy_input(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    const auto nul = input.find('\0');
    PolicyInput out{input.substr(0, nul), {}};
    std::istringstream lines(nul == std::string::npos ? "" : input.substr(nul + 1));
    for (std::string line; std::getline(lines, line);) {
        out.addresses.push_back(line);
    }
    return out;
}

} // namespace mailveil::fuzz
