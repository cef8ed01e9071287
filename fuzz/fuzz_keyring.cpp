#include "fuzz/fuzz_keyring.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace mailveil::fuzz {
namespace {

std::string home;

void remove_home() {
    if (home.empty()) {
        return;
    }
    const std::string kill = "gpgconf --homedir '" + home + "' --kill all >/dev/null 2>&1";
    if (std::system(kill.c_str()) != 0) {
        std::fprintf(stderr, "fuzz keyring: could not stop the gpg-agent of %s\n", home.c_str());
    }
    std::error_code ignored;
    std::filesystem::remove_all(home, ignored);
}

void run_or_exit(const std::string& command) {
    if (std::system(command.c_str()) != 0) {
        std::fprintf(stderr, "fuzz keyring: failed: %s\n", command.c_str());
        std::exit(2);
    }
}

} // namespace

std::string make_fuzz_keyring() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                          "/mailveil-fuzz-keyring-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
        std::perror("fuzz keyring: mkdtemp");
        std::exit(2);
    }
    home = pattern;
    std::atexit(remove_home);
    const std::string gpg = "gpg --homedir '" + home +
                            "' --batch --quiet --no-tty --pinentry-mode loopback --passphrase ''"
                            " --quick-gen-key ";
    run_or_exit(gpg + "'Bob <bob@example.org>' future-default default never 2>&1");
    run_or_exit(gpg + "'carol@example.org' future-default default never 2>&1");
    return home;
}

} // namespace mailveil::fuzz
