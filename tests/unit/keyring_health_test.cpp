// A keyring that breaks while mailveil runs (pgp/keyring_health.h): a lookup
// must fail with KeyringError, never answer "no key" (which means plaintext).
// Each case works on a private copy of the test keyring.
#include "core/errors.h"
#include "helpers/test_env.h"
#include "pgp/keyring.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

using mailveil::KeyringError;
using mailveil::pgp::Keyring;
namespace fs = std::filesystem;

namespace {

// A copy of the public keyring only (no agent sockets), removed afterwards.
class KeyringCopy {
  public:
    KeyringCopy() {
        char pattern[] = "/tmp/mailveil-health-XXXXXX";
        if (::mkdtemp(pattern) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        dir_ = pattern;
        fs::copy_file(fs::path(mailveil::test::keyring_dir()) / "pubring.kbx",
                      dir_ / "pubring.kbx");
    }
    ~KeyringCopy() { fs::remove_all(dir_); }
    KeyringCopy(const KeyringCopy&) = delete;
    KeyringCopy& operator=(const KeyringCopy&) = delete;

    std::string home() const { return dir_.string(); }
    fs::path pubring() const { return dir_ / "pubring.kbx"; }

  private:
    fs::path dir_;
};

void overwrite(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
}

} // namespace

TEST_CASE("keyring health: a sound copy answers lookups", "[keyring][health]") {
    KeyringCopy copy;
    const Keyring keyring(copy.home());
    CHECK(keyring.find_usable_key("bob@example.org").has_value());
    CHECK_FALSE(keyring.find_usable_key("nobody@example.org").has_value());
}

TEST_CASE("keyring health: a removed public keyring is an error, not 'no key'",
          "[keyring][health]") {
    KeyringCopy copy;
    const Keyring keyring(copy.home());
    REQUIRE(keyring.find_usable_key("bob@example.org").has_value());
    fs::remove(copy.pubring());
    CHECK_THROWS_AS(keyring.find_usable_key("bob@example.org"), KeyringError);
}

TEST_CASE("keyring health: a keyring directory that vanished is an error", "[keyring][health]") {
    KeyringCopy copy;
    const Keyring keyring(copy.home());
    REQUIRE(keyring.find_usable_key("bob@example.org").has_value());
    fs::rename(copy.home(), copy.home() + ".moved");
    CHECK_THROWS_AS(keyring.find_usable_key("bob@example.org"), KeyringError);
    fs::rename(copy.home() + ".moved", copy.home());
}

TEST_CASE("keyring health: garbage in place of the keyring is an error", "[keyring][health]") {
    KeyringCopy copy;
    const Keyring keyring(copy.home());
    REQUIRE(keyring.find_usable_key("bob@example.org").has_value());
    overwrite(copy.pubring(), std::string(600, '\x5a'));
    CHECK_THROWS_AS(keyring.find_usable_key("bob@example.org"), KeyringError);
    CHECK_THROWS_AS(keyring.find_usable_key_by_fingerprint("bob@example.org",
                                                           mailveil::test::fingerprint_of("bob")),
                    KeyringError);
}

TEST_CASE("keyring health: a keybox with a valid header but no keys is an error",
          "[keyring][health]") {
    KeyringCopy copy;
    const Keyring keyring(copy.home());
    REQUIRE(keyring.find_usable_key("bob@example.org").has_value());
    // The first blob of a keybox is its 32-byte header; without the key blobs
    // after it GnuPG lists nothing.
    std::ifstream in(copy.pubring(), std::ios::binary);
    std::string header(32, '\0');
    in.read(header.data(), header.size());
    in.close();
    overwrite(copy.pubring(), header);
    CHECK_THROWS_AS(keyring.find_usable_key("bob@example.org"), KeyringError);
}

// Lookups are remembered per keyring generation (pgp/keyring.h): a change to
// the keyring file must be seen by the very next lookup, both ways.
TEST_CASE("keyring: a key deleted or imported after a lookup is seen by the next one",
          "[keyring][health]") {
    KeyringCopy copy;
    const Keyring keyring(copy.home());
    const std::string bob = mailveil::test::fingerprint_of("bob");
    REQUIRE(keyring.find_usable_key("bob@example.org").has_value());
    const std::string exported = copy.home() + "/bob.asc";
    const std::string gpg = "gpg --batch --yes --quiet --homedir ";
    REQUIRE(std::system((gpg + mailveil::test::keyring_dir() + " --export --armor -o " + exported +
                         " " + bob)
                            .c_str()) == 0);

    REQUIRE(std::system((gpg + copy.home() + " --delete-keys " + bob).c_str()) == 0);
    CHECK_FALSE(keyring.find_usable_key("bob@example.org").has_value());

    REQUIRE(std::system((gpg + copy.home() + " --import " + exported + " 2>/dev/null").c_str()) ==
            0);
    const auto found = keyring.find_usable_key("bob@example.org");
    REQUIRE(found.has_value());
    CHECK(found->fingerprint == bob);
}
