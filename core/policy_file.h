// policy_file.h - shared reading of the small "FIELD FIELD" policy files
// (recipient rules, key map): comments, blank lines, file:line in errors.
//
// Failure: throws config::ConfigError for an unreadable file or a line with
// the wrong number of fields.
#pragma once

#include <string>
#include <vector>

namespace mailveil::core {

struct PolicyLine {
    std::vector<std::string> fields;
    std::string origin; // "path:line"
};

// Lines with exactly `fields` white-space separated fields; "#" starts a comment.
std::vector<PolicyLine> parse_policy_lines(const std::string& text, const std::string& path,
                                           std::size_t fields);
std::string read_policy_file(const std::string& path);

} // namespace mailveil::core
