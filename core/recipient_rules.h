// recipient_rules.h - the admin's per-recipient encryption policy.
//
// A rules file holds ordered "PATTERN ACTION" lines; the first line whose
// pattern matches a recipient decides. PATTERN is an address
// (bob@example.org), a domain (@example.org), its subdomains (.example.org),
// or * (everyone). Matching ignores ASCII case. ACTION is
//   opportunistic  encrypt when every recipient of the message has a key (default)
//   require        never send this recipient plaintext: without a usable key
//                  the recipient is refused at RCPT time
//   never          never encrypt to this recipient
// "#" starts a comment; blank lines are ignored.
//
// Failure: throws config::ConfigError ("file:line: reason") for a bad line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mailveil::core {

enum class RecipientAction { Opportunistic, Require, Never };

std::string_view to_string(RecipientAction action);

class RecipientRules {
  public:
    RecipientRules() = default;
    static RecipientRules parse(const std::string& text, const std::string& path);
    static RecipientRules load(const std::string& path);

    RecipientAction action_for(std::string_view address) const;
    std::size_t size() const { return rules_.size(); }

  private:
    struct Rule {
        std::string pattern; // lowercased
        RecipientAction action;
    };
    std::vector<Rule> rules_;
};

} // namespace mailveil::core
