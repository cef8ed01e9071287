#include "config/settings.h"

#include <functional>
#include <limits>
#include <map>
#include <sstream>

namespace mailveil::config {
namespace {

const std::map<std::string, LogSink> kLogSinks = {{"syslog", LogSink::Syslog},
                                                  {"stderr", LogSink::Stderr}};
const std::map<std::string, LogLevel> kLogLevels = {{"error", LogLevel::Error},
                                                    {"warning", LogLevel::Warning},
                                                    {"info", LogLevel::Info},
                                                    {"debug", LogLevel::Debug}};
const std::map<std::string, OnError> kOnError = {{"tempfail", OnError::Tempfail},
                                                 {"pass", OnError::Pass}};
const std::map<std::string, MixedRecipients> kMixed = {{"split", MixedRecipients::Split},
                                                       {"plaintext", MixedRecipients::Plaintext},
                                                       {"tempfail", MixedRecipients::Tempfail}};
const std::map<std::string, core::MixedFallback> kFallback = {
    {"plaintext", core::MixedFallback::Plaintext}, {"tempfail", core::MixedFallback::Tempfail}};
const std::map<std::string, RequireReply> kRequireReply = {{"reject", RequireReply::Reject},
                                                           {"defer", RequireReply::Defer}};
const std::map<std::string, mime::HtmlMode> kHtmlModes = {
    {"keep", mime::HtmlMode::Keep},
    {"text", mime::HtmlMode::Text},
    {"alternative", mime::HtmlMode::Alternative}};
const std::map<std::string, OversizeAction> kOversize = {{"pass", OversizeAction::Pass},
                                                         {"tempfail", OversizeAction::Tempfail}};

bool parse_bool(const ConfigEntry& entry) {
    const std::string& v = entry.value;
    if (v == "yes" || v == "true" || v == "on" || v == "1") {
        return true;
    }
    if (v == "no" || v == "false" || v == "off" || v == "0") {
        return false;
    }
    entry.fail("expected yes or no, not \"" + v + "\"");
}

std::uint64_t parse_size(const ConfigEntry& entry) {
    const std::string& v = entry.value;
    std::size_t used = 0;
    unsigned long long number = 0;
    try {
        number = std::stoull(v, &used, 10);
    } catch (const std::exception&) {
        entry.fail("expected a size such as 50M, not \"" + v + "\"");
    }
    if (!v.empty() && v.front() == '-') {
        entry.fail("a size cannot be negative");
    }
    const std::string unit = v.substr(used);
    std::uint64_t factor = 1;
    if (unit == "k" || unit == "K") {
        factor = 1024;
    } else if (unit == "m" || unit == "M") {
        factor = 1024 * 1024;
    } else if (unit == "g" || unit == "G") {
        factor = 1024ull * 1024 * 1024;
    } else if (!unit.empty()) {
        entry.fail("unknown size unit \"" + unit + "\" (use k, M or G)");
    }
    // Wrapped around, 17179869184G would be 0: no size limit at all.
    if (number > std::numeric_limits<std::uint64_t>::max() / factor) {
        entry.fail("\"" + v + "\" is too large");
    }
    return number * factor;
}

// A decimal number from low to high (no more digits than high has);
// expected says what, for the error.
unsigned long parse_number(const ConfigEntry& entry, unsigned long low, unsigned long high,
                           const std::string& expected) {
    const std::string& v = entry.value;
    if (v.empty() || v.size() > std::to_string(high).size() ||
        v.find_first_not_of("0123456789") != std::string::npos || std::stoul(v) < low ||
        std::stoul(v) > high) {
        entry.fail("expected " + expected + ", not \"" + v + "\"");
    }
    return std::stoul(v);
}

std::size_t parse_width(const ConfigEntry& entry) {
    return parse_number(entry, 20, 500, "a number of columns from 20 to 500");
}

unsigned parse_timeout(const ConfigEntry& entry) {
    return static_cast<unsigned>(
        parse_number(entry, 0, 3600, "whole seconds from 0 (no limit) to 3600"));
}

mode_t parse_umask(const ConfigEntry& entry) {
    const std::string& v = entry.value;
    if (v.empty() || v.size() > 4 || v.find_first_not_of("01234567") != std::string::npos) {
        entry.fail("expected an octal umask such as 007, not \"" + v + "\"");
    }
    return static_cast<mode_t>(std::stoul(v, nullptr, 8));
}

template <typename Enum>
Enum parse_choice(const ConfigEntry& entry, const std::map<std::string, Enum>& choices) {
    if (auto found = choices.find(entry.value); found != choices.end()) {
        return found->second;
    }
    std::string expected;
    for (const auto& [word, value] : choices) {
        expected += (expected.empty() ? "" : ", ") + word;
    }
    entry.fail("expected one of " + expected + ", not \"" + entry.value + "\"");
}

std::string parse_path(const ConfigEntry& entry, bool may_be_empty) {
    if (entry.value.empty()) {
        if (!may_be_empty) {
            entry.fail("needs a value");
        }
        return {};
    }
    if (entry.value.front() != '/') {
        entry.fail("must be an absolute path");
    }
    return entry.value;
}

std::string parse_word(const ConfigEntry& entry, bool may_be_empty) {
    if (entry.value.empty() && !may_be_empty) {
        entry.fail("needs a value");
    }
    if (entry.value.find_first_of(" \t") != std::string::npos) {
        entry.fail("must be one word");
    }
    return entry.value;
}

std::vector<std::string> parse_list(const ConfigEntry& entry) {
    std::vector<std::string> items;
    std::string value = entry.value;
    for (char& c : value) {
        if (c == ',') {
            c = ' ';
        }
    }
    std::istringstream words(value);
    for (std::string word; words >> word;) {
        items.push_back(word);
    }
    return items;
}

using Setter = std::function<void(Settings&, const ConfigEntry&)>;

const std::map<std::string, Setter>& setters() {
    static const std::map<std::string, Setter> table = {
        {"socket",
         [](Settings& s, const ConfigEntry& e) {
             const std::string v = parse_word(e, false);
             if (!(v.starts_with("unix:") || v.starts_with("local:") || v.starts_with("inet:") ||
                   v.starts_with("inet6:") || v.starts_with("/"))) {
                 e.fail("expected unix:/path, inet:PORT@HOST or inet6:PORT@HOST");
             }
             s.socket = v;
         }},
        {"keyring", [](Settings& s, const ConfigEntry& e) { s.keyring = parse_path(e, false); }},
        {"user", [](Settings& s, const ConfigEntry& e) { s.user = parse_word(e, false); }},
        {"group", [](Settings& s, const ConfigEntry& e) { s.group = parse_word(e, true); }},
        {"umask", [](Settings& s, const ConfigEntry& e) { s.umask = parse_umask(e); }},
        {"pid_file", [](Settings& s, const ConfigEntry& e) { s.pid_file = parse_path(e, true); }},
        {"gpg_timeout",
         [](Settings& s, const ConfigEntry& e) { s.gpg_timeout = parse_timeout(e); }},
        {"log", [](Settings& s, const ConfigEntry& e) { s.log = parse_choice(e, kLogSinks); }},
        {"log_level",
         [](Settings& s, const ConfigEntry& e) { s.log_level = parse_choice(e, kLogLevels); }},
        {"on_error",
         [](Settings& s, const ConfigEntry& e) { s.on_error = parse_choice(e, kOnError); }},
        {"mixed_recipients",
         [](Settings& s, const ConfigEntry& e) { s.mixed_recipients = parse_choice(e, kMixed); }},
        {"mixed_recipients_fallback",
         [](Settings& s, const ConfigEntry& e) {
             s.mixed_recipients_fallback = parse_choice(e, kFallback);
         }},
        {"submission_daemons",
         [](Settings& s, const ConfigEntry& e) { s.submission_daemons = parse_list(e); }},
        {"protect_headers",
         [](Settings& s, const ConfigEntry& e) { s.protect_headers = parse_bool(e); }},
        {"hide_recipients",
         [](Settings& s, const ConfigEntry& e) { s.hide_recipients = parse_bool(e); }},
        {"html_encrypted",
         [](Settings& s, const ConfigEntry& e) { s.html_encrypted = parse_choice(e, kHtmlModes); }},
        {"html_plain",
         [](Settings& s, const ConfigEntry& e) { s.html_plain = parse_choice(e, kHtmlModes); }},
        {"html_wrap_width",
         [](Settings& s, const ConfigEntry& e) { s.html_wrap_width = parse_width(e); }},
        {"html_flowed", [](Settings& s, const ConfigEntry& e) { s.html_flowed = parse_bool(e); }},
        {"recipient_rules",
         [](Settings& s, const ConfigEntry& e) { s.recipient_rules = parse_path(e, true); }},
        {"require_reply",
         [](Settings& s, const ConfigEntry& e) {
             s.require_reply = parse_choice(e, kRequireReply);
         }},
        {"key_map", [](Settings& s, const ConfigEntry& e) { s.key_map = parse_path(e, true); }},
        {"recipient_delimiter",
         [](Settings& s, const ConfigEntry& e) {
             const std::string v = parse_word(e, true);
             if (v.find('@') != std::string::npos) {
                 e.fail("cannot contain @");
             }
             s.recipient_delimiter = v;
         }},
        {"max_message_size",
         [](Settings& s, const ConfigEntry& e) { s.max_message_size = parse_size(e); }},
        {"oversize_action",
         [](Settings& s, const ConfigEntry& e) { s.oversize_action = parse_choice(e, kOversize); }},
        {"tmpdir", [](Settings& s, const ConfigEntry& e) { s.tmpdir = parse_path(e, false); }},
        {"spool_threshold",
         [](Settings& s, const ConfigEntry& e) { s.spool_threshold = parse_size(e); }},
        {"body_memory_limit",
         [](Settings& s, const ConfigEntry& e) { s.body_memory_limit = parse_size(e); }},
    };
    return table;
}

void apply(Settings& settings, const ConfigEntry& entry) {
    const auto& table = setters();
    const auto found = table.find(entry.key);
    if (found == table.end()) {
        throw ConfigError(entry.origin + ": unknown setting \"" + entry.key + "\"");
    }
    found->second(settings, entry);
}

template <typename Enum>
std::string name_of(Enum value, const std::map<std::string, Enum>& choices) {
    for (const auto& [word, v] : choices) {
        if (v == value) {
            return word;
        }
    }
    return "?";
}

} // namespace

core::EngineSettings Settings::engine_settings() const {
    core::EngineSettings engine(keyring);
    engine.policy = policy;
    engine.mixed_fallback =
        mixed_recipients == MixedRecipients::Plaintext  ? core::MixedFallback::Plaintext
        : mixed_recipients == MixedRecipients::Tempfail ? core::MixedFallback::Tempfail
                                                        : mixed_recipients_fallback;
    engine.hide_recipients = hide_recipients;
    engine.protect_headers = protect_headers;
    engine.html_encrypted = html_encrypted;
    engine.html_plain = html_plain;
    engine.html_wrap_width = html_wrap_width;
    engine.html_flowed = html_flowed;
    return engine;
}

Settings load_settings(const std::string& config_file, const std::vector<ConfigEntry>& overrides) {
    Settings settings;
    settings.config_file = config_file;
    if (!config_file.empty()) {
        for (const auto& entry : read_config_file(config_file)) {
            apply(settings, entry);
        }
    }
    for (const auto& entry : overrides) {
        apply(settings, entry);
    }
    if (!settings.recipient_rules.empty()) {
        settings.policy.rules = core::RecipientRules::load(settings.recipient_rules);
    }
    if (!settings.key_map.empty()) {
        settings.policy.key_map = core::KeyMap::load(settings.key_map);
    }
    settings.policy.recipient_delimiter = settings.recipient_delimiter;
    return settings;
}

std::string render_settings(const Settings& s) {
    std::ostringstream out;
    auto line = [&](const char* key, const std::string& value) {
        out << key << " = " << value << "\n";
    };
    char mask[8];
    std::snprintf(mask, sizeof mask, "%03o", static_cast<unsigned>(s.umask));
    line("socket", s.socket);
    line("keyring", s.keyring);
    line("user", s.user);
    line("group", s.group);
    line("umask", mask);
    line("pid_file", s.pid_file);
    line("gpg_timeout", std::to_string(s.gpg_timeout));
    line("log", name_of(s.log, kLogSinks));
    line("log_level", name_of(s.log_level, kLogLevels));
    line("on_error", name_of(s.on_error, kOnError));
    line("mixed_recipients", name_of(s.mixed_recipients, kMixed));
    line("mixed_recipients_fallback", name_of(s.mixed_recipients_fallback, kFallback));
    std::string daemons;
    for (const auto& d : s.submission_daemons) {
        daemons += (daemons.empty() ? "" : ", ") + d;
    }
    line("submission_daemons", daemons);
    line("protect_headers", s.protect_headers ? "yes" : "no");
    line("hide_recipients", s.hide_recipients ? "yes" : "no");
    line("html_encrypted", name_of(s.html_encrypted, kHtmlModes));
    line("html_plain", name_of(s.html_plain, kHtmlModes));
    line("html_wrap_width", std::to_string(s.html_wrap_width));
    line("html_flowed", s.html_flowed ? "yes" : "no");
    line("recipient_rules", s.recipient_rules);
    line("require_reply", name_of(s.require_reply, kRequireReply));
    line("key_map", s.key_map);
    line("recipient_delimiter", s.recipient_delimiter);
    line("max_message_size", std::to_string(s.max_message_size));
    line("oversize_action", name_of(s.oversize_action, kOversize));
    line("tmpdir", s.tmpdir);
    line("spool_threshold", std::to_string(s.spool_threshold));
    line("body_memory_limit", std::to_string(s.body_memory_limit));
    return out.str();
}

} // namespace mailveil::config
