#include "pgp/keyring_health.h"

#include "core/errors.h"

#include <sys/stat.h>

#include <array>
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

} // namespace

void KeyringHealth::check(const std::function<std::size_t()>& count_keys) const {
    struct stat info {};
    if (::stat(home_.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
        throw KeyringError("keyring " + home_ + " is gone or not a directory");
    }
    bool keybox = true;
    std::string file = home_ + "/pubring.kbx";
    if (::stat(file.c_str(), &info) != 0) {
        keybox = false;
        file = home_ + "/pubring.gpg";
        if (::stat(file.c_str(), &info) != 0) {
            throw KeyringError("keyring " + home_ + " has no public keyring (pubring.kbx)");
        }
    }
    const Stamp stamp{info.st_dev, info.st_ino, info.st_size, info.st_mtim.tv_sec,
                      info.st_mtim.tv_nsec};
    const std::lock_guard lock(mutex_);
    if (stamp == last_good_) {
        return;
    }
    if (!has_keyring_magic(file, keybox)) {
        throw KeyringError("keyring " + file + " is unreadable or not a GnuPG keyring");
    }
    if (count_keys() == 0) {
        throw KeyringError("keyring " + file + " holds no public keys");
    }
    last_good_ = stamp;
}

} // namespace mailveil::pgp
