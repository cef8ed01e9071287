// keyring_health.h - is the public keyring still there and readable?
//
// GnuPG answers "no such key" for a keyring directory that vanished, a
// pubring that was emptied or replaced by garbage (it even creates a fresh
// empty one), so a lookup alone cannot tell "this recipient has no key" from
// "the keyring is broken" - and the first means plaintext. Before each lookup
// the keyring is checked: the directory exists, the public keyring file
// exists with the right magic, and it holds at least one key. The key count
// is taken again only when the file's identity, size or mtime changed.
// check() returns the keyring's generation, a number that changes exactly when
// a changed file has been found sound again, so lookups can be cached per
// generation.
//
// Thread safety: check() may be called concurrently.
// Failure: check() throws KeyringError saying what is wrong.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <functional>
#include <mutex>
#include <string>
#include <sys/types.h>

namespace mailveil::pgp {

class KeyringHealth {
  public:
    explicit KeyringHealth(std::string home) : home_(std::move(home)) {}

    // count_keys lists the keyring; called only when the file changed.
    std::uint64_t check(const std::function<std::size_t()>& count_keys) const;

  private:
    struct Stamp {
        dev_t device = 0;
        ino_t inode = 0;
        off_t size = -1;
        std::time_t mtime = 0;
        long mtime_ns = 0;
        bool operator==(const Stamp&) const = default;
    };

    std::string home_;
    mutable std::mutex mutex_;
    mutable Stamp last_good_;
    mutable std::uint64_t generation_ = 0;
};

} // namespace mailveil::pgp
