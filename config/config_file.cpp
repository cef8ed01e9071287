#include "config/config_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace mailveil::config {
namespace {

std::string trim(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t\r");
    return text.substr(first, last - first + 1);
}

bool valid_key(const std::string& key) {
    if (key.empty()) {
        return false;
    }
    for (char c : key) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return false;
        }
    }
    return true;
}

} // namespace

void ConfigEntry::fail(const std::string& reason) const {
    throw ConfigError(origin + ": " + key + ": " + reason);
}

std::vector<ConfigEntry> parse_config_text(const std::string& text, const std::string& path) {
    std::vector<ConfigEntry> entries;
    std::istringstream in(text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        const std::string content = trim(line);
        if (content.empty() || content.front() == '#') {
            continue;
        }
        if (line.front() == ' ' || line.front() == '\t') {
            if (entries.empty()) {
                throw ConfigError(path + ":" + std::to_string(number) +
                                  ": continuation line without a setting before it");
            }
            auto& value = entries.back().value;
            value += value.empty() ? content : " " + content;
            continue;
        }
        const auto equals = line.find('=');
        if (equals == std::string::npos) {
            throw ConfigError(path + ":" + std::to_string(number) + ": expected \"key = value\"");
        }
        ConfigEntry entry{trim(line.substr(0, equals)), trim(line.substr(equals + 1)),
                          path + ":" + std::to_string(number)};
        if (!valid_key(entry.key)) {
            throw ConfigError(entry.origin + ": bad setting name \"" + entry.key + "\"");
        }
        entries.push_back(std::move(entry));
    }
    return entries;
}

std::vector<ConfigEntry> read_config_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        throw ConfigError(path + ": cannot open: " + std::strerror(errno));
    }
    std::ostringstream text;
    text << file.rdbuf();
    if (file.bad()) {
        throw ConfigError(path + ": cannot read: " + std::strerror(errno));
    }
    return parse_config_text(text.str(), path);
}

} // namespace mailveil::config
