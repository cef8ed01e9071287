#include "keys/check_recipient.h"

#include "core/engine.h"
#include "core/errors.h"
#include "core/policy_file.h"
#include "keys/key_addresses.h"
#include "keys/key_text.h"
#include "pgp/address.h"

#include <algorithm>
#include <optional>

namespace mailveil::keys {
namespace {

void field(std::ostream& out, const std::string& name, const std::string& value) {
    out << name << ':' << std::string(name.size() < 10 ? 10 - name.size() : 1, ' ') << value
        << '\n';
}

// The rules line that decides for address, as "path:line: PATTERN ACTION".
// Each line is handed to the daemon's matcher alone, followed once by
// "* require" and once by "* never": the answers agree only when the line
// itself matched.
std::optional<std::string> matching_rule_line(const std::string& path, const std::string& address) {
    for (const auto& line : core::parse_policy_lines(core::read_policy_file(path), path, 2)) {
        const std::string rule = line.fields[0] + " " + line.fields[1] + "\n";
        const auto with_require = core::RecipientRules::parse(rule + "* require\n", path);
        const auto with_never = core::RecipientRules::parse(rule + "* never\n", path);
        if (with_require.action_for(address) == with_never.action_for(address)) {
            return line.origin + ": " + line.fields[0] + " " + line.fields[1];
        }
    }
    return std::nullopt;
}

void explain_rule(std::ostream& out, const config::Settings& settings,
                  const core::Resolution& resolution) {
    const std::string action(core::to_string(resolution.action));
    if (settings.recipient_rules.empty()) {
        field(out, "rule", action + " (no recipient_rules file; the default)");
        return;
    }
    const auto line = matching_rule_line(settings.recipient_rules, resolution.recipient);
    field(out, "rule",
          line ? action + " (" + *line + ")"
               : action + " (no line of " + settings.recipient_rules + " matches; the default)");
}

const pgp::KeySummary* summary_of(const std::vector<pgp::KeySummary>& keys,
                                  const std::string& fingerprint) {
    const auto found = std::find_if(
        keys.begin(), keys.end(), [&](const auto& key) { return key.fingerprint == fingerprint; });
    return found == keys.end() ? nullptr : &*found;
}

// Why no key was chosen for the addresses looked up.
void explain_missing_key(std::ostream& out, const pgp::Keyring& keyring,
                         const std::vector<std::string>& looked_up,
                         const std::optional<std::string>& mapped) {
    const auto summaries = keyring.list_keys();
    if (mapped) {
        const auto* key = summary_of(summaries, *mapped);
        field(out, "key",
              "none: the key map names " + *mapped + ", which " +
                  (key == nullptr ? std::string("is not in the keyring")
                                  : "is " + status_text(*key)));
        return;
    }
    const auto addresses = list_key_addresses(keyring.home());
    bool any = false;
    for (const auto& address : looked_up) {
        for (const auto& candidate : keys_with_address(addresses, address)) {
            const auto* key = summary_of(summaries, candidate.fingerprint);
            const auto uid = std::find_if(
                candidate.addresses.begin(), candidate.addresses.end(),
                [&](const auto& known) { return pgp::same_address(known.address, address); });
            std::string why = key == nullptr ? "not listed" : status_text(*key);
            if (key != nullptr && key->usable && !uid->matched_by_daemon) {
                why = "not usable: its user ID " + address + " is revoked or invalid";
            }
            field(out, any ? "" : "key", "none usable: " + candidate.fingerprint + " " + why);
            any = true;
        }
    }
    if (!any) {
        std::string names;
        for (const auto& address : looked_up) {
            names += (names.empty() ? "" : " or ") + address;
        }
        field(out, "key", "none: no key in " + keyring.home() + " has a user ID " + names);
    }
}

int explain_outcome(std::ostream& out, const config::Settings& settings, const core::Engine& engine,
                    const core::Resolution& resolution) {
    // The milter's RCPT step (callbacks.cpp refuse_required) comes before any decision.
    if (resolution.action == core::RecipientAction::Require && !resolution.key) {
        const bool reject = settings.require_reply == config::RequireReply::Reject;
        field(out, "outcome",
              std::string("refused at RCPT: ") +
                  (reject ? "550 5.7.1 (require_reply = reject)"
                          : "450 4.7.1 (require_reply = defer)") +
                  "; mailveil-filter defers such a message");
        return kExitRcptRefused;
    }
    const auto decision = engine.decide_by_recipients({resolution});
    if (!decision) {
        field(out, "outcome",
              "encrypt (a message to this recipient alone; mail that is "
              "already encrypted passes unchanged)");
        return kExitOk;
    }
    field(out, "outcome", "pass in plaintext (" + core::describe(*decision) + ")");
    return kExitRefused;
}

} // namespace

int check_recipient(const config::Settings& settings, const std::string& recipient,
                    std::ostream& out) {
    const std::string address = pgp::bare_address(recipient);
    field(out, "recipient", address);
    try {
        const core::Engine engine(settings.engine_settings());
        const core::Resolution resolution = engine.resolve(address);
        explain_rule(out, settings, resolution);
        if (resolution.action == core::RecipientAction::Never) {
            field(out, "key", "not looked up (never encrypted to)");
            return explain_outcome(out, settings, engine, resolution);
        }

        std::vector<std::string> looked_up{address};
        const std::string base = core::strip_extension(address, settings.recipient_delimiter);
        if (base != address) {
            field(out, "delimiter",
                  "\"" + settings.recipient_delimiter + "\": also looked up as " + base);
            looked_up.push_back(base);
        }
        std::optional<std::string> mapped;
        for (const auto& candidate : looked_up) {
            if ((mapped = settings.policy.key_map.fingerprint_for(candidate))) {
                field(out, "key_map", candidate + " -> " + *mapped);
                break;
            }
        }
        if (!mapped) {
            field(out, "key_map", settings.key_map.empty() ? "none configured" : "no entry");
        }

        if (resolution.key) {
            const auto summaries = engine.keyring().list_keys();
            const auto* key = summary_of(summaries, resolution.key->fingerprint);
            field(out, "key",
                  resolution.key->fingerprint +
                      (key != nullptr ? ", expires " + expiry_text(*key) : std::string()));
        } else {
            explain_missing_key(out, engine.keyring(), looked_up, mapped);
        }
        return explain_outcome(out, settings, engine, resolution);
    } catch (const KeyringError& e) {
        field(out, "keyring", e.what());
        field(out, "outcome",
              settings.on_error == config::OnError::Pass
                  ? "tempfail for a require recipient, plaintext otherwise (on_error = pass)"
                  : "tempfail: 451 4.3.0, the sender retries (on_error = tempfail)");
        return kExitError;
    }
}

} // namespace mailveil::keys
