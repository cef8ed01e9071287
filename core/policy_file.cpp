#include "core/policy_file.h"

#include "config/config_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace mailveil::core {

std::vector<PolicyLine> parse_policy_lines(const std::string& text, const std::string& path,
                                           std::size_t fields) {
    std::vector<PolicyLine> lines;
    std::istringstream in(text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (const auto hash = line.find('#'); hash != std::string::npos) {
            line.erase(hash);
        }
        std::istringstream words(line);
        PolicyLine parsed{{}, path + ":" + std::to_string(number)};
        for (std::string word; words >> word;) {
            parsed.fields.push_back(word);
        }
        if (parsed.fields.empty()) {
            continue;
        }
        if (parsed.fields.size() != fields) {
            throw config::ConfigError(parsed.origin + ": expected " + std::to_string(fields) +
                                      " fields, found " + std::to_string(parsed.fields.size()));
        }
        lines.push_back(std::move(parsed));
    }
    return lines;
}

std::string read_policy_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        throw config::ConfigError(path + ": cannot open: " + std::strerror(errno));
    }
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

} // namespace mailveil::core
