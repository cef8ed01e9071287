#include "keys/options.h"

#include <string_view>
#include <vector>

namespace mailveil::keys {

const char* const kUsage = "usage: mailveil-keys [-c FILE] import FILE|-\n"
                           "       mailveil-keys [-c FILE] list\n"
                           "       mailveil-keys [-c FILE] remove [--all] ADDRESS|FINGERPRINT\n"
                           "       mailveil-keys [-c FILE] check ADDRESS\n"
                           "       mailveil-keys -h | -V\n";

namespace {

Command command_named(std::string_view word) {
    if (word == "import") {
        return Command::Import;
    }
    if (word == "list") {
        return Command::List;
    }
    if (word == "remove") {
        return Command::Remove;
    }
    if (word == "check") {
        return Command::Check;
    }
    throw UsageError("unknown command \"" + std::string(word) +
                     "\" (expected import, list, remove or check)");
}

std::size_t arguments_of(Command command) {
    return command == Command::List ? 0 : 1;
}

} // namespace

Options parse_options(int argc, char** argv) {
    Options options;
    options.config_file = milter::kDefaultConfigFile;
    std::vector<std::string_view> words;
    bool options_done = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (options_done || arg == "-" || !arg.starts_with("-")) {
            words.push_back(arg);
        } else if (arg == "--") {
            options_done = true;
        } else if (arg == "-c") {
            if (i + 1 >= argc) {
                throw UsageError("-c needs a configuration file");
            }
            options.config_file = argv[++i];
            options.config_file_given = true;
        } else if (arg == "--all") {
            options.all = true;
        } else if (arg == "-h" || arg == "--help") {
            options.help = true;
        } else if (arg == "-V" || arg == "--version") {
            options.version = true;
        } else {
            throw UsageError("unknown option " + std::string(arg));
        }
    }
    if (options.help || options.version) {
        return options;
    }
    if (words.empty()) {
        throw UsageError("no command given");
    }
    options.command = command_named(words.front());
    const std::size_t expected = arguments_of(options.command);
    if (words.size() - 1 != expected) {
        throw UsageError(std::string(words.front()) +
                         (expected == 0 ? " takes no argument" : " takes one argument"));
    }
    if (expected == 1) {
        options.argument = words[1];
        if (options.argument.empty()) {
            throw UsageError(std::string(words.front()) + ": empty argument");
        }
    }
    if (options.all && options.command != Command::Remove) {
        throw UsageError("--all belongs to remove");
    }
    return options;
}

} // namespace mailveil::keys
