// mailveil-keys - the admin's key management for mailveil's keyring.
//
//   mailveil-keys [-c FILE] import FILE|- | list | remove [--all] ADDRESS|FPR | check ADDRESS
//
// Order: read the configuration (the daemon's, default
// /etc/mailveil/mailveil.conf) and any key file as the caller; then, when
// root, become the configured user (become_keyring_owner.h); then act on the
// configured keyring through GPGME, stopping any gpg-agent this run started
// (agent_guard.h). Every answer comes from the daemon's code: pgp::Keyring
// for usability, core::Engine for what happens to a recipient.
#include "config/settings.h"
#include "core/errors.h"
#include "keys/agent_guard.h"
#include "keys/become_keyring_owner.h"
#include "keys/check_recipient.h"
#include "keys/import_keys.h"
#include "keys/key_text.h"
#include "keys/list_keys.h"
#include "keys/options.h"
#include "keys/remove_keys.h"
#include "pgp/gpgme_runtime.h"
#include "version.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace mailveil::keys {
namespace {

config::Settings load(const Options& options) {
    // Without -c a missing default file means defaults, as for the daemon.
    const bool use_file =
        options.config_file_given || ::access(options.config_file.c_str(), F_OK) == 0;
    return config::load_settings(use_file ? options.config_file : std::string(), {});
}

std::string read_key_input(const std::string& name) {
    if (name == "-") {
        return std::string(std::istreambuf_iterator<char>(std::cin), {});
    }
    std::ifstream in(name, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + name + ": " + std::strerror(errno));
    }
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

int run(const Options& options, const config::Settings& settings) {
    const bool import = options.command == Command::Import;
    const std::string key_data = import ? read_key_input(options.argument) : std::string();
    become_keyring_owner(settings, import || options.command == Command::Remove, import);
    pgp::ensure_gpgme_initialized();
    const AgentGuard agent_guard(settings.keyring);
    switch (options.command) {
    case Command::Import: {
        const pgp::Keyring keyring(settings.keyring); // a readable directory, as for the daemon
        return import_keys(keyring.home(), key_data, std::cout, std::cerr);
    }
    case Command::List:
        return list_keys(pgp::Keyring(settings.keyring), std::cout);
    case Command::Remove:
        return remove_keys(pgp::Keyring(settings.keyring), options.argument, options.all, std::cout,
                           std::cerr);
    case Command::Check:
        return check_recipient(settings, options.argument, std::cout);
    }
    return kExitError;
}

} // namespace
} // namespace mailveil::keys

int main(int argc, char** argv) {
    using namespace mailveil::keys;
    Options options;
    try {
        options = parse_options(argc, argv);
    } catch (const UsageError& e) {
        std::cerr << "mailveil-keys: " << e.what() << "\n" << kUsage;
        return kExitError;
    }
    if (options.help) {
        std::cout << kUsage;
        return kExitOk;
    }
    if (options.version) {
        std::cout << "mailveil-keys " << MAILVEIL_VERSION << "\n";
        return kExitOk;
    }
    mailveil::config::Settings settings;
    try {
        settings = load(options);
    } catch (const std::exception& e) {
        std::cerr << "mailveil-keys: configuration: " << e.what() << "\n";
        return kExitError;
    }
    try {
        return run(options, settings);
    } catch (const std::exception& e) {
        std::cerr << "mailveil-keys: " << e.what() << "\n";
        return kExitError;
    }
}
