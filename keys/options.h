// options.h - the command line of mailveil-keys.
//
//   mailveil-keys [-c FILE] import FILE|-
//   mailveil-keys [-c FILE] list
//   mailveil-keys [-c FILE] remove [--all] ADDRESS|FINGERPRINT
//   mailveil-keys [-c FILE] check ADDRESS
//
// Failure: parse_options throws UsageError with a one-line reason.
#pragma once

#include "milter/options.h"

#include <string>

namespace mailveil::keys {

enum class Command { Import, List, Remove, Check };

struct Options {
    std::string config_file; // filled with the daemon's default when not given
    bool config_file_given = false;
    Command command = Command::List;
    std::string argument; // import: FILE or "-"; remove, check: ADDRESS or FINGERPRINT
    bool all = false;     // remove: every key of an address
    bool help = false;
    bool version = false;
};

using milter::UsageError; // the daemon's: one kind of usage error for both tools

Options parse_options(int argc, char** argv);

extern const char* const kUsage;

} // namespace mailveil::keys
