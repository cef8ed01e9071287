#include "milter/options.h"

#include <string_view>

namespace mailveil::milter {

const char* const kUsage =
    "usage: mailveil -p SOCKET -k GNUPGHOME [-f]\n"
    "  -p, --socket SOCKET   where the MTA connects: unix:/path, inet:PORT@HOST, inet6:PORT@HOST\n"
    "  -k, --keyring DIR     GnuPG home holding the recipients' public keys\n"
    "  -f, --foreground      stay in the foreground and log to stderr (default: daemon, syslog)\n"
    "  -h, --help            this text\n"
    "  -V, --version         print the version\n";

namespace {

bool valid_socket_spec(std::string_view spec) {
    for (std::string_view prefix : {"unix:", "local:", "inet:", "inet6:"}) {
        if (spec.starts_with(prefix) && spec.size() > prefix.size()) {
            return true;
        }
    }
    return spec.starts_with("/");
}

} // namespace

Options parse_options(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                throw UsageError("option " + arg + " needs a value");
            }
            return argv[++i];
        };
        if (arg == "-p" || arg == "--socket") {
            options.socket = value();
        } else if (arg == "-k" || arg == "--keyring") {
            options.keyring = value();
        } else if (arg == "-f" || arg == "--foreground") {
            options.foreground = true;
        } else if (arg == "-h" || arg == "--help") {
            options.help = true;
        } else if (arg == "-V" || arg == "--version") {
            options.version = true;
        } else {
            throw UsageError("unknown argument " + arg);
        }
    }
    if (options.help || options.version) {
        return options;
    }
    if (options.socket.empty()) {
        throw UsageError("no socket given (-p)");
    }
    if (!valid_socket_spec(options.socket)) {
        throw UsageError("bad socket " + options.socket +
                         " (expected unix:/path, inet:PORT@HOST or inet6:PORT@HOST)");
    }
    if (options.keyring.empty()) {
        throw UsageError("no keyring given (-k)");
    }
    return options;
}

} // namespace mailveil::milter
