// mailveil-filter - the mailveil core as a pipe: message on stdin, result on stdout.
//
//   mailveil-filter -k GNUPGHOME -r RCPT [-r RCPT...] [HTML options] [-v] < in.eml > out.eml
//   mailveil-filter --html-to-text [--charset LABEL] [--width N] [--flowed] < page.html
//
// Writes the message, encrypted or unchanged, and exits 0. On any error it
// writes nothing to stdout, one line to stderr, and exits with a sysexits
// code: 64 usage, 65 unreadable message, 75 keyring or encryption failure or
// a message the recipient policy refuses to send (a temporary failure to an
// MTA's pipe transport).
//
// HTML parts are rewritten as by the milter's html_encrypted (default text)
// and html_plain (default keep) settings; --html MODE sets both,
// --html-encrypted and --html-plain one each (the last flag wins), --width and
// --flowed are html_wrap_width and html_flowed.
//
// --html-to-text runs the HTML converter alone (html/html_to_text.h): an HTML
// document on stdin, the text recipients would see on stdout; 65 when the
// converter cannot read it (larger than its limit).
#include "core/engine.h"
#include "core/errors.h"
#include "html/html_to_text.h"
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
    "       mailveil-filter --html-to-text [--charset LABEL] [--width N] [--flowed] < in.html\n"
    "  -k, --keyring DIR     GnuPG home holding the recipients' public keys\n"
    "  -r, --recipient ADDR  envelope recipient (repeat for each)\n"
    "  -v, --verbose         print the decision to stderr\n"
    "  --html MODE           HTML parts of every message: text, alternative or keep\n"
    "  --html-encrypted MODE HTML parts of mail that gets encrypted (default text)\n"
    "  --html-plain MODE     HTML parts of mail that passes unencrypted (default keep)\n"
    "  --width N             wrap text made from HTML at N columns (20-500, default 72)\n"
    "  --flowed              make that text format=flowed (RFC 3676, DelSp=yes;\n"
    "                        in messages: encrypted ones only)\n"
    "  --html-to-text        convert an HTML document on stdin to text on stdout\n"
    "  --charset LABEL       with --html-to-text: the charset the document is declared in\n"
    "  -h, --help            this text\n"
    "  -V, --version         print the version\n";

struct Arguments {
    std::string keyring;
    std::vector<std::string> recipients;
    bool verbose = false;
    bool html_to_text = false;
    std::string charset;
    mailveil::html::Options html;
    mailveil::mime::HtmlMode html_encrypted = mailveil::mime::HtmlMode::Text;
    mailveil::mime::HtmlMode html_plain = mailveil::mime::HtmlMode::Keep;
};

[[noreturn]] void usage_error(const std::string& message) {
    std::cerr << "mailveil-filter: " << message << "\n" << kUsage;
    std::exit(EX_USAGE);
}

std::size_t parse_width(const std::string& text) {
    std::size_t used = 0;
    unsigned long width = 0;
    try {
        width = std::stoul(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size() || width < 20 || width > 500) {
        usage_error("--width needs a number from 20 to 500, not \"" + text + "\"");
    }
    return width;
}

mailveil::mime::HtmlMode parse_mode(const std::string& flag, const std::string& text) {
    if (auto mode = mailveil::mime::parse_html_mode(text)) {
        return *mode;
    }
    usage_error(flag + " needs text, alternative or keep, not \"" + text + "\"");
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
        } else if (arg == "--html") {
            args.html_encrypted = args.html_plain = parse_mode(arg, value());
        } else if (arg == "--html-encrypted") {
            args.html_encrypted = parse_mode(arg, value());
        } else if (arg == "--html-plain") {
            args.html_plain = parse_mode(arg, value());
        } else if (arg == "--width") {
            args.html.width = parse_width(value());
        } else if (arg == "--flowed") {
            args.html.flowed = true;
        } else if (arg == "--html-to-text") {
            args.html_to_text = true;
        } else if (arg == "--charset") {
            args.charset = value();
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
    if (args.html_to_text) {
        if (!args.keyring.empty() || !args.recipients.empty()) {
            usage_error("--html-to-text takes no keyring or recipients");
        }
        return args;
    }
    if (!args.charset.empty()) {
        usage_error("--charset goes with --html-to-text");
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

std::string read_stdin() {
    std::string input(std::istreambuf_iterator<char>(std::cin), {});
    if (std::cin.bad()) {
        std::cerr << "mailveil-filter: cannot read stdin\n";
        std::exit(EX_IOERR);
    }
    return input;
}

int write_or_fail(const std::string& output) {
    if (!write_all(output)) {
        std::cerr << "mailveil-filter: cannot write the result: " << std::strerror(errno) << "\n";
        return EX_IOERR;
    }
    return EX_OK;
}

int html_to_text(const Arguments& args) {
    try {
        return write_or_fail(mailveil::html::to_text(read_stdin(), args.charset, args.html));
    } catch (const mailveil::html::Error& e) {
        std::cerr << "mailveil-filter: cannot convert the HTML: " << e.what() << "\n";
        return EX_DATAERR;
    }
}

} // namespace

int main(int argc, char** argv) {
    const Arguments args = parse_arguments(argc, argv);
    if (args.html_to_text) {
        return html_to_text(args);
    }
    // GPGME talks to gpg over pipes; report a dead gpg as an error, not a signal.
    std::signal(SIGPIPE, SIG_IGN);
    try {
        std::string input = read_stdin();
        mailveil::core::EngineSettings settings(args.keyring);
        settings.html_encrypted = args.html_encrypted;
        settings.html_plain = args.html_plain;
        settings.html_wrap_width = args.html.width;
        settings.html_flowed = args.html.flowed;
        mailveil::core::Engine engine(std::move(settings));
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
        return write_or_fail(output);
    } catch (const mailveil::MessageError& e) {
        std::cerr << "mailveil-filter: bad message: " << e.what() << "\n";
        return EX_DATAERR;
    } catch (const std::exception& e) {
        std::cerr << "mailveil-filter: " << e.what() << "\n";
        return EX_TEMPFAIL;
    }
}
