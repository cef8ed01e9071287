#include "core/recipient_rules.h"

#include "config/config_file.h"
#include "core/policy_file.h"
#include "pgp/address.h"

namespace mailveil::core {
namespace {

RecipientAction parse_action(const PolicyLine& line) {
    const std::string& word = line.fields[1];
    if (word == "opportunistic") {
        return RecipientAction::Opportunistic;
    }
    if (word == "require") {
        return RecipientAction::Require;
    }
    if (word == "never") {
        return RecipientAction::Never;
    }
    throw config::ConfigError(line.origin + ": unknown action \"" + word +
                              "\" (expected opportunistic, require or never)");
}

void check_pattern(const PolicyLine& line, const std::string& pattern) {
    const bool domain = pattern.front() == '@' || pattern.front() == '.';
    const bool ok = pattern == "*" ||
                    (domain && pattern.size() > 1 && pattern.find('@', 1) == std::string::npos) ||
                    (!domain && pattern.find('@') != std::string::npos && pattern.back() != '@');
    if (!ok) {
        throw config::ConfigError(line.origin + ": bad pattern \"" + line.fields[0] +
                                  "\" (expected user@domain, @domain, .domain or *)");
    }
}

bool matches(const std::string& pattern, const std::string& address) {
    if (pattern == "*") {
        return true;
    }
    const auto at = address.rfind('@');
    const std::string domain = at == std::string::npos ? "" : address.substr(at + 1);
    if (pattern.front() == '@') {
        return domain == pattern.substr(1);
    }
    if (pattern.front() == '.') {
        return domain.size() > pattern.size() && domain.ends_with(pattern);
    }
    return address == pattern;
}

} // namespace

std::string_view to_string(RecipientAction action) {
    switch (action) {
    case RecipientAction::Opportunistic:
        return "opportunistic";
    case RecipientAction::Require:
        return "require";
    case RecipientAction::Never:
        return "never";
    }
    return "unknown";
}

RecipientRules RecipientRules::parse(const std::string& text, const std::string& path) {
    RecipientRules rules;
    for (const auto& line : parse_policy_lines(text, path, 2)) {
        std::string pattern = pgp::comparable_address(line.fields[0]);
        check_pattern(line, pattern);
        rules.rules_.push_back({std::move(pattern), parse_action(line)});
    }
    return rules;
}

RecipientRules RecipientRules::load(const std::string& path) {
    return parse(read_policy_file(path), path);
}

RecipientAction RecipientRules::action_for(std::string_view address) const {
    const std::string comparable = pgp::comparable_address(address);
    for (const auto& rule : rules_) {
        if (matches(rule.pattern, comparable)) {
            return rule.action;
        }
    }
    return RecipientAction::Opportunistic;
}

} // namespace mailveil::core
