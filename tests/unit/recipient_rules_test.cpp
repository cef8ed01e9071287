// The admin's recipient rules (core/recipient_rules.h): pattern forms, first
// match wins, ASCII case ignored, and "file:line" errors for bad lines.
#include "config/config_file.h"
#include "core/recipient_rules.h"

#include <catch2/catch.hpp>

#include <string>

using mailveil::config::ConfigError;
using mailveil::core::RecipientAction;
using mailveil::core::RecipientRules;

TEST_CASE("rules: an empty rule set makes everyone opportunistic", "[rules]") {
    const RecipientRules rules;
    CHECK(rules.size() == 0);
    CHECK(rules.action_for("bob@example.org") == RecipientAction::Opportunistic);
}

TEST_CASE("rules: address, domain, subdomain and wildcard patterns", "[rules]") {
    const auto rules = RecipientRules::parse("boss@example.org   require\n"
                                             "@partner.example   require\n"
                                             ".lists.example     never\n"
                                             "*                  opportunistic\n",
                                             "rules");
    CHECK(rules.size() == 4);
    CHECK(rules.action_for("boss@example.org") == RecipientAction::Require);
    CHECK(rules.action_for("<Boss@Example.ORG>") == RecipientAction::Require);
    CHECK(rules.action_for("jimboss@example.org") == RecipientAction::Opportunistic);
    CHECK(rules.action_for("anyone@partner.example") == RecipientAction::Require);
    CHECK(rules.action_for("anyone@sub.partner.example") == RecipientAction::Opportunistic);
    CHECK(rules.action_for("anyone@dev.lists.example") == RecipientAction::Never);
    // ".domain" means the subdomains only.
    CHECK(rules.action_for("anyone@lists.example") == RecipientAction::Opportunistic);
    CHECK(rules.action_for("anyone@badlists.example") == RecipientAction::Opportunistic);
}

TEST_CASE("rules: the first matching line decides", "[rules]") {
    const auto rules = RecipientRules::parse("bob@example.org never\n"
                                             "@example.org require\n"
                                             "* never\n",
                                             "rules");
    CHECK(rules.action_for("bob@example.org") == RecipientAction::Never);
    CHECK(rules.action_for("carol@example.org") == RecipientAction::Require);
    CHECK(rules.action_for("carol@example.net") == RecipientAction::Never);
}

TEST_CASE("rules: patterns and addresses ignore ASCII case", "[rules]") {
    const auto rules = RecipientRules::parse("@EXAMPLE.org never\n", "rules");
    CHECK(rules.action_for("bob@example.ORG") == RecipientAction::Never);
}

TEST_CASE("rules: comments and blank lines are ignored", "[rules]") {
    const auto rules = RecipientRules::parse("# a comment\n"
                                             "\n"
                                             "   \t\n"
                                             "bob@example.org never  # trailing comment\n",
                                             "rules");
    CHECK(rules.size() == 1);
    CHECK(rules.action_for("bob@example.org") == RecipientAction::Never);
}

TEST_CASE("rules: bad lines are reported with file and line", "[rules]") {
    const std::string text =
        GENERATE(as<std::string>{}, "bob@example.org sometimes\n", "bob@example.org\n",
                 "bob@example.org never extra\n", "example.org never\n", "bob@ never\n",
                 "@ never\n", "@a@b never\n");
    CAPTURE(text);
    const std::string input = "# first line\n" + text;
    CHECK_THROWS_AS(RecipientRules::parse(input, "/etc/mailveil/rules"), ConfigError);
    CHECK_THROWS_WITH(RecipientRules::parse(input, "/etc/mailveil/rules"),
                      Catch::Matchers::StartsWith("/etc/mailveil/rules:2: "));
}

TEST_CASE("rules: a missing file is a configuration error", "[rules]") {
    CHECK_THROWS_AS(RecipientRules::load("/nonexistent/mailveil/rules"), ConfigError);
}

TEST_CASE("rules: actions have their file names", "[rules]") {
    using mailveil::core::to_string;
    CHECK(to_string(RecipientAction::Opportunistic) == "opportunistic");
    CHECK(to_string(RecipientAction::Require) == "require");
    CHECK(to_string(RecipientAction::Never) == "never");
}
