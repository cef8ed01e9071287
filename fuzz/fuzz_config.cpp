// fuzz_config.cpp - libFuzzer target over the configuration file parser and
// the settings it feeds (config/config_file.h, config/settings.h).
//
// Input: the text of a mailveil.conf. recipient_rules and key_map lines are
// dropped before the settings are loaded: they name files to read, and those
// files' parsers have targets of their own (fuzz_rules, fuzz_key_map).
//
// Findings: a crash or sanitizer report; any exception but ConfigError; and
// settings that do not survive their own rendering: render_settings() of the
// loaded settings, parsed and loaded again, must render the same.
#include "config/config_file.h"
#include "config/settings.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

using namespace mailveil::config;

std::string load_and_render(const std::string& text, const std::string& path) {
    auto entries = parse_config_text(text, path);
    std::erase_if(entries, [](const ConfigEntry& entry) {
        return entry.key == "recipient_rules" || entry.key == "key_map";
    });
    return render_settings(load_settings("", entries));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::string rendered;
    try {
        rendered = load_and_render(text, "fuzz.conf");
    } catch (const ConfigError&) {
        return 0; // a bad line, reported with file:line
    }
    std::string again;
    try {
        again = load_and_render(rendered, "rendered.conf");
    } catch (const ConfigError& e) {
        std::fprintf(stderr, "fuzz_config: rendered settings do not load: %s\n", e.what());
        std::abort();
    }
    if (again != rendered) {
        std::fprintf(stderr, "fuzz_config: rendering changed the settings:\n%s---\n%s",
                     rendered.c_str(), again.c_str());
        std::abort();
    }
    return 0;
}
