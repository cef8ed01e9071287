// options.h - the daemon's command line.
//
//   mailveil [-c FILE] [-p SOCKET] [-k GNUPGHOME] [-u USER] [-g GROUP] [-f] [-n]
//
// Flags that mirror a setting (-p socket, -k keyring, -u user, -g group,
// -P pid_file, -L log_level) are returned as ConfigEntry overrides, applied
// after the configuration file, so that they win and are checked the same way.
//
// Failure: parse_options throws UsageError with a one-line reason.
#pragma once

#include "config/config_file.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace mailveil::milter {

inline constexpr const char* kDefaultConfigFile = "/etc/mailveil/mailveil.conf";

struct Options {
    std::string config_file = kDefaultConfigFile;
    bool config_file_given = false;
    std::vector<config::ConfigEntry> overrides;
    bool foreground = false;
    bool check_only = false;
    bool help = false;
    bool version = false;
};

class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

Options parse_options(int argc, char** argv);

extern const char* const kUsage;

} // namespace mailveil::milter
