// options.h - the daemon's command line.
//
//   mailveil -p SOCKET -k GNUPGHOME [-f]
//
// SOCKET is libmilter's form: unix:/path, inet:port@host, inet6:port@host.
// Failure: parse_options throws UsageError with a one-line reason.
#pragma once

#include <stdexcept>
#include <string>

namespace mailveil::milter {

struct Options {
    std::string socket;
    std::string keyring;
    bool foreground = false;
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
