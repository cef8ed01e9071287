// config_file.h - reads mailveil.conf: "key = value" lines, the main.cf feel.
//
// Whole-line "#" comments and blank lines are ignored; a line that starts
// with white space continues the previous value (as in Postfix's main.cf).
// Every entry remembers where it came from, so that a bad value is reported
// as "file:line: ...".
//
// Failure: throws ConfigError ("file:line: reason") for an unreadable file or
// a line that is not "key = value".
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace mailveil::config {

class ConfigError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct ConfigEntry {
    std::string key;
    std::string value;
    std::string origin; // "path:line", or "command line (-p)"

    [[noreturn]] void fail(const std::string& reason) const;
};

std::vector<ConfigEntry> parse_config_text(const std::string& text, const std::string& path);
std::vector<ConfigEntry> read_config_file(const std::string& path);

} // namespace mailveil::config
