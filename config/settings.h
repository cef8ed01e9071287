// settings.h - every setting of mailveil.conf, typed, with its default.
//
// load_settings() reads the file (when given), then applies command-line
// overrides, which win. Each value is checked where it is read; a bad value
// or an unknown setting is a ConfigError naming file:line (or the flag).
// The recipient rules and key map files named by the settings are read too,
// so a loaded Settings is complete and can be swapped in as a whole on reload.
#pragma once

#include "config/config_file.h"
#include "core/engine.h"

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace mailveil::config {

enum class LogSink { Syslog, Stderr };
enum class LogLevel { Error = 0, Warning = 1, Info = 2, Debug = 3 };
enum class OnError { Tempfail, Pass };
enum class MixedRecipients { Split, Plaintext, Tempfail };
enum class RequireReply { Reject, Defer }; // 550 5.7.1 / 450 4.7.1
enum class OversizeAction { Pass, Tempfail };

struct Settings {
    std::string config_file; // empty: defaults and flags only

    // Daemon life (need a restart to change).
    std::string socket = "unix:/run/mailveil/mailveil.sock";
    std::string user = "mailveil";
    std::string group;  // empty: the user's primary group
    mode_t umask = 007; // socket mode 0660
    std::string pid_file = "/run/mailveil/mailveil.pid";
    // Seconds one gpg run may take before it is stopped (0: no limit).
    unsigned gpg_timeout = 120;

    // Logging.
    LogSink log = LogSink::Syslog;
    LogLevel log_level = LogLevel::Info;

    // Message handling (reloaded on SIGHUP).
    std::string keyring = "/var/lib/mailveil/gnupg";
    OnError on_error = OnError::Tempfail;
    MixedRecipients mixed_recipients = MixedRecipients::Split;
    core::MixedFallback mixed_recipients_fallback = core::MixedFallback::Plaintext;
    std::vector<std::string> submission_daemons; // {daemon_name} values never split
    bool protect_headers = true;
    bool hide_recipients = false;
    mime::HtmlMode html_encrypted = mime::HtmlMode::Text;
    mime::HtmlMode html_plain = mime::HtmlMode::Keep;
    std::size_t html_wrap_width = 72; // 20 to 500
    bool html_flowed = false;
    std::string recipient_rules; // path, empty: none
    RequireReply require_reply = RequireReply::Reject;
    std::string key_map; // path, empty: none
    std::string recipient_delimiter;
    std::uint64_t max_message_size = 50ull * 1024 * 1024; // 0: no limit
    OversizeAction oversize_action = OversizeAction::Pass;
    std::string tmpdir = "/var/tmp";                    // where big bodies are spooled
    std::uint64_t spool_threshold = 4ull * 1024 * 1024; // bodies above go to tmpdir
    // all sessions' bodies in memory together; beyond, they go to tmpdir too (0: no limit)
    std::uint64_t body_memory_limit = 32ull * 1024 * 1024;

    // The core's part, with the rules and key map files already read.
    core::EngineSettings engine_settings() const;
    core::RecipientPolicy policy;
};

// Flags given on the command line, as entries with origin "command line (-x)".
Settings load_settings(const std::string& config_file, const std::vector<ConfigEntry>& overrides);

// Every setting with its current value, one "key = value" line each.
std::string render_settings(const Settings& settings);

} // namespace mailveil::config
