// config_check.h - "mailveil -n": is this configuration ready to run?
//
// Like opendkim -n or postfix check: reads what the daemon would read and
// reports, one line per finding, what is wrong (error), what is doubtful
// (warning) and what was checked (ok). Checks: the configuration and policy
// files, the run-as user and group, the socket's directory, the keyring
// (a readable directory, not group/world-writable, holding usable keys),
// keys whose encryption stops within 30 days, key map fingerprints, tmpdir,
// and that gpg_wrapper (gpg-with-deadline) can be run when gpg_timeout is set.
#pragma once

#include "config/settings.h"

#include <string>
#include <vector>

namespace mailveil::milter {

struct CheckReport {
    std::vector<std::string> lines; // "ok: ...", "warning: ...", "error: ..."
    int errors = 0;
    int warnings = 0;
};

CheckReport check_configuration(const config::Settings& settings, const std::string& gpg_wrapper);

} // namespace mailveil::milter
