#include "milter/config_check.h"

#include "core/errors.h"
#include "milter/privileges.h"
#include "pgp/key_date.h"
#include "pgp/keyring.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

namespace mailveil::milter {
namespace {

constexpr std::time_t kExpiryWarningDays = 30;

class Reporter {
  public:
    void ok(const std::string& line) { report_.lines.push_back("ok: " + line); }
    void warning(const std::string& line) {
        report_.lines.push_back("warning: " + line);
        ++report_.warnings;
    }
    void error(const std::string& line) {
        report_.lines.push_back("error: " + line);
        ++report_.errors;
    }
    CheckReport take() { return std::move(report_); }

  private:
    CheckReport report_;
};

void check_run_as(const config::Settings& settings, Reporter& report) {
    try {
        const RunAs run_as = resolve_run_as(settings);
        if (run_as.uid == 0) {
            report.error("user = " + settings.user + " is root; mailveil refuses to run as root");
        } else {
            report.ok("runs as user " + settings.user +
                      (settings.group.empty() ? "" : ", group " + settings.group));
        }
    } catch (const std::exception& e) {
        report.error(e.what());
    }
}

void check_socket(const config::Settings& settings, Reporter& report) {
    const std::string path = unix_socket_path(settings.socket);
    if (path.empty()) {
        report.ok("socket " + settings.socket);
        return;
    }
    const auto dir = std::filesystem::path(path).parent_path();
    if (!std::filesystem::is_directory(dir)) {
        report.warning("socket directory " + dir.string() +
                       " does not exist (create it, or let systemd's RuntimeDirectory= do it)");
    } else {
        report.ok("socket " + settings.socket);
    }
}

void check_keys(const pgp::Keyring& keyring, Reporter& report) {
    const auto keys = keyring.list_keys();
    const std::time_t now = std::time(nullptr);
    std::size_t usable = 0;
    for (const auto& key : keys) {
        if (!key.usable) {
            continue;
        }
        ++usable;
        if (key.expires > 0 && key.expires - now < kExpiryWarningDays * 24 * 3600) {
            const auto days = (key.expires - now) / (24 * 3600);
            std::string who = key.addresses.empty() ? "" : " (" + key.addresses.front() + ")";
            report.warning("key " + key.fingerprint + who + " can encrypt only until " +
                           pgp::key_date(key.expires) + ", in " + std::to_string(days) + " days");
        }
    }
    if (usable == 0) {
        report.error("keyring " + keyring.home() + " holds no usable key (" +
                     std::to_string(keys.size()) + " keys in all): nothing would be encrypted");
    } else {
        report.ok("keyring " + keyring.home() + ": " + std::to_string(usable) + " usable of " +
                  std::to_string(keys.size()) + " keys");
    }
}

void check_keyring(const config::Settings& settings, Reporter& report) {
    struct stat info {};
    if (::stat(settings.keyring.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
        report.error("keyring " + settings.keyring + " is not a directory");
        return;
    }
    if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        report.error("keyring " + settings.keyring +
                     " is group- or world-writable: anyone in that group could plant keys");
    }
    try {
        const RunAs run_as = resolve_run_as(settings);
        if (info.st_uid != run_as.uid) {
            report.warning("keyring " + settings.keyring + " is not owned by user " +
                           settings.user + " (GnuPG warns about unsafe ownership)");
        }
    } catch (const std::exception&) {
        // already reported by check_run_as
    }
    try {
        const pgp::Keyring keyring(settings.keyring);
        check_keys(keyring, report);
    } catch (const ProcessingError& e) {
        report.error(e.what());
    }
}

void check_policy(const config::Settings& settings, Reporter& report) {
    if (!settings.recipient_rules.empty()) {
        report.ok("recipient_rules " + settings.recipient_rules + ": " +
                  std::to_string(settings.policy.rules.size()) + " rules");
    }
    if (settings.key_map.empty()) {
        return;
    }
    report.ok("key_map " + settings.key_map + ": " +
              std::to_string(settings.policy.key_map.size()) + " entries");
    try {
        const pgp::Keyring keyring(settings.keyring);
        for (const auto& [address, fingerprint] : settings.policy.key_map.entries()) {
            if (!keyring.find_usable_key_by_fingerprint(address, fingerprint)) {
                report.error("key_map: " + address + " -> " + fingerprint +
                             ": no usable key with that fingerprint in the keyring");
            }
        }
    } catch (const ProcessingError&) {
        // the keyring problem is reported by check_keyring
    }
}

void check_tmpdir(const config::Settings& settings, Reporter& report) {
    if (::access(settings.tmpdir.c_str(), W_OK | X_OK) != 0) {
        report.warning("tmpdir " + settings.tmpdir + " is not a writable directory: messages " +
                       "over spool_threshold will be tempfailed");
    } else {
        report.ok("tmpdir " + settings.tmpdir);
    }
}

void check_gpg_timeout(const config::Settings& settings, const std::string& gpg_wrapper,
                       Reporter& report) {
    const std::string seconds = std::to_string(settings.gpg_timeout);
    if (settings.gpg_timeout == 0) {
        report.warning("gpg_timeout = 0: a gpg that hangs holds its connection, and a "
                       "processing slot, until mailveil is restarted");
    } else if (::access(gpg_wrapper.c_str(), X_OK) != 0) {
        report.error("gpg_timeout = " + seconds + " needs " + gpg_wrapper + " (" +
                     std::strerror(errno) + "); mailveil will not start without it");
    } else {
        report.ok("gpg runs with a deadline of " + seconds + " s (" + gpg_wrapper + ")");
    }
}

} // namespace

CheckReport check_configuration(const config::Settings& settings, const std::string& gpg_wrapper) {
    Reporter report;
    report.ok(settings.config_file.empty() ? "no configuration file, defaults and flags"
                                           : "configuration " + settings.config_file);
    check_run_as(settings, report);
    check_socket(settings, report);
    check_keyring(settings, report);
    check_policy(settings, report);
    check_tmpdir(settings, report);
    check_gpg_timeout(settings, gpg_wrapper, report);
    return report.take();
}

} // namespace mailveil::milter
