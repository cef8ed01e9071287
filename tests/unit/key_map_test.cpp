// The admin's key map (core/key_map.h): "ADDRESS FINGERPRINT" lines, full
// fingerprints only, addresses compared without ASCII case.
#include "config/config_file.h"
#include "core/key_map.h"

#include <catch2/catch.hpp>

#include <cctype>
#include <string>

using mailveil::config::ConfigError;
using mailveil::core::KeyMap;

namespace {

const std::string kV4 = "522DD9F0C1ECC3C0BF05E8CC25FD66A04CB62525";

} // namespace

TEST_CASE("key map: an address maps to its fingerprint", "[key-map]") {
    const auto map = KeyMap::parse("postmaster@example.org " + kV4 + "\n", "keymap");
    CHECK(map.size() == 1);
    CHECK(map.fingerprint_for("postmaster@example.org") == kV4);
    CHECK(map.fingerprint_for("<PostMaster@Example.ORG>") == kV4);
    CHECK_FALSE(map.fingerprint_for("master@example.org").has_value());
    CHECK_FALSE(map.fingerprint_for("postmaster@example.org.evil").has_value());
}

TEST_CASE("key map: fingerprints are normalised to upper-case hex", "[key-map]") {
    std::string lower = kV4;
    for (auto& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    const auto map = KeyMap::parse("a@example.org 0x" + lower + "\n", "keymap");
    CHECK(map.fingerprint_for("a@example.org") == kV4);
}

TEST_CASE("key map: v5 fingerprints of 64 digits are accepted", "[key-map]") {
    const std::string v5 = kV4 + "0123456789ABCDEF01234567";
    REQUIRE(v5.size() == 64);
    const auto map = KeyMap::parse("a@example.org " + v5 + "\n", "keymap");
    CHECK(map.fingerprint_for("a@example.org") == v5);
}

TEST_CASE("key map: comments and blank lines are ignored", "[key-map]") {
    const auto map =
        KeyMap::parse("# role addresses\n\nabuse@example.org " + kV4 + " # bob\n", "keymap");
    CHECK(map.size() == 1);
    CHECK(map.fingerprint_for("abuse@example.org") == kV4);
}

TEST_CASE("key map: bad lines are reported with file and line", "[key-map]") {
    const std::string text = GENERATE(
        as<std::string>{}, "a@example.org 25FD66A04CB62525\n", "a@example.org " + kV4 + "0\n",
        "a@example.org " + kV4.substr(1) + "G\n", "example.org " + kV4 + "\n", "a@example.org\n",
        "a@example.org " + kV4 + " extra\n");
    CAPTURE(text);
    const std::string input = "\n" + text;
    CHECK_THROWS_AS(KeyMap::parse(input, "/etc/mailveil/keymap"), ConfigError);
    CHECK_THROWS_WITH(KeyMap::parse(input, "/etc/mailveil/keymap"),
                      Catch::Matchers::StartsWith("/etc/mailveil/keymap:2: "));
}

TEST_CASE("key map: a missing file is a configuration error", "[key-map]") {
    CHECK_THROWS_AS(KeyMap::load("/nonexistent/mailveil/keymap"), ConfigError);
}
