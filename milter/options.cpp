#include "milter/options.h"

#include <map>

namespace mailveil::milter {

const char* const kUsage =
    "usage: mailveil [-c FILE] [-p SOCKET] [-k GNUPGHOME] [-u USER] [-g GROUP] [-f] [-n]\n"
    "  -c, --config FILE     configuration file (default /etc/mailveil/mailveil.conf)\n"
    "  -p, --socket SOCKET   where the MTA connects: unix:/path, inet:PORT@HOST, inet6:PORT@HOST\n"
    "  -k, --keyring DIR     GnuPG home holding the recipients' public keys\n"
    "  -u, --user USER       user to run as after binding the socket (when started as root)\n"
    "  -g, --group GROUP     group to run as, and group of the unix socket\n"
    "  -P, --pid-file FILE   pid file (empty string: none)\n"
    "  -L, --log-level LVL   error, warning, info or debug\n"
    "  -f, --foreground      stay in the foreground and log to stderr\n"
    "  -n, --check           check the configuration and the keyring, print a report, exit 0/1\n"
    "  -h, --help            this text\n"
    "  -V, --version         print the version\n"
    "Flags override the configuration file; see mailveil.conf(5).\n";

Options parse_options(int argc, char** argv) {
    static const std::map<std::string, std::string> setting_flags = {
        {"-p", "socket"},    {"--socket", "socket"},
        {"-k", "keyring"},   {"--keyring", "keyring"},
        {"-u", "user"},      {"--user", "user"},
        {"-g", "group"},     {"--group", "group"},
        {"-P", "pid_file"},  {"--pid-file", "pid_file"},
        {"-L", "log_level"}, {"--log-level", "log_level"},
    };
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                throw UsageError("option " + arg + " needs a value");
            }
            return argv[++i];
        };
        if (auto setting = setting_flags.find(arg); setting != setting_flags.end()) {
            options.overrides.push_back({setting->second, value(), "command line (" + arg + ")"});
        } else if (arg == "-c" || arg == "--config") {
            options.config_file = value();
            options.config_file_given = true;
        } else if (arg == "-f" || arg == "--foreground") {
            options.foreground = true;
            options.overrides.push_back({"log", "stderr", "command line (-f)"});
        } else if (arg == "-n" || arg == "--check") {
            options.check_only = true;
        } else if (arg == "-h" || arg == "--help") {
            options.help = true;
        } else if (arg == "-V" || arg == "--version") {
            options.version = true;
        } else {
            throw UsageError("unknown argument " + arg);
        }
    }
    return options;
}

} // namespace mailveil::milter
