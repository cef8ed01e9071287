// fuzz_key_map.cpp - libFuzzer target over the key map parser (core/key_map.h).
//
// Input: a key map file, then (after a NUL byte, if any) addresses to look
// up, one per line. Findings: a crash or sanitizer report, any exception but
// ConfigError from parse(), or a parsed entry that breaks the header's
// promise (an address without "@", a fingerprint not 40 or 64 upper-case
// hex digits).
#include "config/config_file.h"
#include "core/key_map.h"
#include "fuzz/policy_input.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

bool upper_hex(const std::string& text) {
    return text.find_first_not_of("0123456789ABCDEF") == std::string::npos;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = mailveil::fuzz::split_policy_input(data, size);
    mailveil::core::KeyMap map;
    try {
        map = mailveil::core::KeyMap::parse(input.text, "fuzz.keymap");
    } catch (const mailveil::config::ConfigError&) {
        return 0;
    }
    for (const auto& [address, fingerprint] : map.entries()) {
        if (address.find('@') == std::string::npos || !upper_hex(fingerprint) ||
            (fingerprint.size() != 40 && fingerprint.size() != 64)) {
            std::fprintf(stderr, "fuzz_key_map: bad entry \"%s\" -> \"%s\"\n", address.c_str(),
                         fingerprint.c_str());
            std::abort();
        }
    }
    for (const auto& address : input.addresses) {
        (void)map.fingerprint_for(address);
    }
    return 0;
}
