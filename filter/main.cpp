// mailveil-filter - the mailveil core as a pipe: message on stdin, result on stdout.
//
//   mailveil-filter -k GNUPGHOME -r RCPT [-r RCPT...] [-v] < in.eml > out.eml
//
// Writes the message, encrypted or unchanged, and exits 0. On any error it
// writes nothing to stdout, one line to stderr, and exits with a sysexits
// code: 64 usage, 65 unreadable message, 75 keyring or encryption failure or
// a message the recipient policy refuses to send (a temporary failure to an
// MTA's pipe transport).
#include "core/engine.h"
#include "core/errors.h"
#include "version.h"

#include <sysexits.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

namespace {

constexpr const char* kUsage =
    "usage: mailveil-filter -k GNUPGHOME -r RECIPIENT [-r RECIPIENT...] [-v] < in.eml > out.eml\n"
    "  -k, --keyring DIR     GnuPG home holding the recipients' public keys\n"
    "  -r, --recipient ADDR  envelope recipient (repeat for each)\n"
    "  -v, --verbose         print the decision to stderr\n"
    "  -h, --help            this text\n"
    "  -V, --version         print the version\n";

struct Arguments {
    std::string keyring;
    std::vector<std::string> recipients;
    bool verbose = false;
};

[[noreturn]] void usage_error(const std::string& message) {
    std::cerr << "mailveil-filter: " << message << "\n" << kUsage;
    std::exit(EX_USAGE);
}

Arguments parse_arguments(int argc, char** argv) {
    Arguments args;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage_error("option " + arg + " needs a value");
            }
            return argv[++i];
        };
        if (arg == "-k" || arg == "--keyring") {
            args.keyring = value();
        } else if (arg == "-r" || arg == "--recipient") {
            args.recipients.push_back(value());
        } else if (arg == "-v" || arg == "--verbose") {
            args.verbose = true;
        } else if (arg == "-h" || arg == "--help") {
            std::cout << kUsage;
            std::exit(EX_OK);
        } else if (arg == "-V" || arg == "--version") {
            std::cout << "mailveil-filter " << MAILVEIL_VERSION << "\n";
            std::exit(EX_OK);
        } else {
            usage_error("unknown argument " + arg);
        }
    }
    if (args.keyring.empty()) {
        usage_error("no keyring given (-k)");
    }
    if (args.recipients.empty()) {
        usage_error("no recipient given (-r)");
    }
    return args;
}

bool write_all(const std::string& bytes) {
    return std::fwrite(bytes.data(), 1, bytes.size(), stdout) == bytes.size() &&
           std::fflush(stdout) == 0;
}

} // namespace

int main(int argc, char** argv) {
    const Arguments args = parse_arguments(argc, argv);
    // GPGME talks to gpg over pipes; report a dead gpg as an error, not a signal.
    std::signal(SIGPIPE, SIG_IGN);
    try {
        std::string input(std::istreambuf_iterator<char>(std::cin), {});
        if (std::cin.bad()) {
            std::cerr << "mailveil-filter: cannot read the message from stdin\n";
            return EX_IOERR;
        }
        mailveil::core::Engine engine(mailveil::core::EngineSettings(args.keyring));
        const auto message = mailveil::mime::ParsedMessage::parse(std::move(input));
        const auto outcome = engine.process(message, args.recipients);
        if (outcome.decision.verdict == mailveil::core::Verdict::Deferred) {
            std::cerr << "mailveil-filter: refused: " << mailveil::core::describe(outcome.decision)
                      << "\n";
            return EX_TEMPFAIL;
        }
        const std::string output = outcome.rewrite
                                       ? mailveil::core::apply_rewrite(message, *outcome.rewrite)
                                       : std::string(message.bytes());
        if (args.verbose) {
            std::cerr << "mailveil-filter: " << mailveil::core::describe(outcome.decision) << "\n";
        }
        if (!write_all(output)) {
            std::cerr << "mailveil-filter: cannot write the result: " << std::strerror(errno)
                      << "\n";
            return EX_IOERR;
        }
        return EX_OK;
    } catch (const mailveil::MessageError& e) {
        std::cerr << "mailveil-filter: bad message: " << e.what() << "\n";
        return EX_DATAERR;
    } catch (const std::exception& e) {
        std::cerr << "mailveil-filter: " << e.what() << "\n";
        return EX_TEMPFAIL;
    }
}
