#include "pgp/keyring_health.h"

#include "core/errors.h"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace mailveil::pgp {
namespace {

// A keybox (GnuPG 2.1+) starts with a header blob: "KBXf" at offset 8. A
// legacy pubring.gpg starts with an OpenPGP packet tag (high bit set).
bool has_keyring_magic(const std::string& path, bool keybox) {
    std::ifstream file(path, std::ios::binary);
    std::array<char, 12> head{};
    if (!file.read(head.data(), head.size())) {
        return false;
    }
    if (keybox) {
        return std::string(head.data() + 8, 4) == "KBXf";
    }
    return (static_cast<unsigned char>(head[0]) & 0x80) != 0;
}

// Permissions are checked on every call: a chmod leaves the stamp unchanged,
// and GnuPG would answer "no key" for a keyring it cannot read.
void require_readable(const std::string& path, int mode) {
    if (::access(path.c_str(), mode) != 0) {
        const int error = errno;
        throw KeyringError("keyring " + path + " is not readable: " + std::strerror(error));
    }
}

} // namespace

std::uint64_t KeyringHealth::check(const std::function<std::size_t()>& count_keys) const {
    struct stat info {};
    if (::stat(home_.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
        throw KeyringError("keyring " + home_ + " is gone or not a directory");
    }
    require_readable(home_, R_OK | X_OK);
    bool keybox = true;
    std::string file = home_ + "/pubring.kbx";
    if (::stat(file.c_str(), &info) != 0) {
        keybox = false;
        file = home_ + "/pubring.gpg";
        if (::stat(file.c_str(), &info) != 0) {
            throw KeyringError("keyring " + home_ + " has no public keyring (pubring.kbx)");
        }
    }
    require_readable(file, R_OK);
    const Stamp stamp{info.st_dev, info.st_ino, info.st_size, info.st_mtim.tv_sec,
                      info.st_mtim.tv_nsec};
    const std::lock_guard lock(mutex_);
    if (stamp == last_good_) {
        return generation_;
    }
    if (!has_keyring_magic(file, keybox)) {
        throw KeyringError("keyring " + file + " is unreadable or not a GnuPG keyring");
    }
    if (count_keys() == 0) {
        throw KeyringError("keyring " + file + " holds no public keys");
    }
    last_good_ = stamp;
    return ++generation_;
}

} // namespace mailveil::pgp
