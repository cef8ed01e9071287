#include "keys/become_keyring_owner.h"

#include "milter/privileges.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <stdexcept>

namespace mailveil::keys {
namespace {

bool exists(const std::string& path) {
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0;
}

void make_keyring(const std::string& path, const milter::RunAs* owner) {
    if (::mkdir(path.c_str(), 0700) != 0) {
        throw std::runtime_error("cannot create keyring " + path + ": " + std::strerror(errno));
    }
    // mkdir's mode is masked by the umask; the keyring must be 0700 exactly.
    if (::chmod(path.c_str(), 0700) != 0 ||
        (owner != nullptr && ::chown(path.c_str(), owner->uid, owner->gid) != 0)) {
        throw std::runtime_error("cannot set owner and mode of keyring " + path + ": " +
                                 std::strerror(errno));
    }
}

} // namespace

void become_keyring_owner(const config::Settings& settings, bool writes, bool create_keyring) {
    const bool create = create_keyring && !exists(settings.keyring);
    if (::geteuid() != 0) {
        const passwd* self = ::getpwuid(::geteuid());
        if (writes && (self == nullptr || settings.user != self->pw_name)) {
            std::cerr << "mailveil-keys: note: not root, so acting as "
                      << (self != nullptr ? self->pw_name : std::to_string(::geteuid()))
                      << ", not as user = " << settings.user
                      << "; what is written to the keyring belongs to this user\n";
        }
        if (create) {
            make_keyring(settings.keyring, nullptr);
        }
        return;
    }
    const milter::RunAs run_as = milter::resolve_run_as(settings);
    if (run_as.uid == 0) {
        throw std::runtime_error("user = " + settings.user +
                                 " is root; set user = to the user mailveil runs as");
    }
    if (create) {
        make_keyring(settings.keyring, &run_as);
    }
    milter::drop_privileges(run_as);
    if (exists(settings.keyring) && ::access(settings.keyring.c_str(), R_OK | X_OK) != 0) {
        throw std::runtime_error("keyring " + settings.keyring + " is not readable by user " +
                                 run_as.user + " (" + std::strerror(errno) +
                                 "); give it to that user: chown -R " + run_as.user + " " +
                                 settings.keyring);
    }
}

} // namespace mailveil::keys
