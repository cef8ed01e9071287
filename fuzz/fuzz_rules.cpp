// fuzz_rules.cpp - libFuzzer target over the recipient rules parser
// (core/recipient_rules.h).
//
// Input: a rules file, then (after a NUL byte, if any) addresses to look up,
// one per line. Findings: a crash or sanitizer report, or any exception but
// ConfigError from parse() (action_for() must never throw).
#include "config/config_file.h"
#include "core/recipient_rules.h"
#include "fuzz/policy_input.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = mailveil::fuzz::split_policy_input(data, size);
    mailveil::core::RecipientRules rules;
    try {
        rules = mailveil::core::RecipientRules::parse(input.text, "fuzz.rules");
    } catch (const mailveil::config::ConfigError&) {
        return 0;
    }
    for (const auto& address : input.addresses) {
        (void)rules.action_for(address);
    }
    return 0;
}
