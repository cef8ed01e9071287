#include "core/key_map.h"

#include "config/config_file.h"
#include "core/policy_file.h"
#include "pgp/address.h"

#include <algorithm>
#include <cctype>

namespace mailveil::core {

KeyMap KeyMap::parse(const std::string& text, const std::string& path) {
    KeyMap map;
    for (const auto& line : parse_policy_lines(text, path, 2)) {
        const std::string address = pgp::comparable_address(line.fields[0]);
        std::string fingerprint = line.fields[1];
        if (fingerprint.starts_with("0x") || fingerprint.starts_with("0X")) {
            fingerprint.erase(0, 2);
        }
        const bool hex = std::all_of(fingerprint.begin(), fingerprint.end(),
                                     [](unsigned char c) { return std::isxdigit(c) != 0; });
        if (!hex || (fingerprint.size() != 40 && fingerprint.size() != 64)) {
            throw config::ConfigError(line.origin + ": \"" + line.fields[1] +
                                      "\" is not a full fingerprint (40 or 64 hex digits)");
        }
        if (address.find('@') == std::string::npos) {
            throw config::ConfigError(line.origin + ": \"" + line.fields[0] +
                                      "\" is not an address");
        }
        std::transform(fingerprint.begin(), fingerprint.end(), fingerprint.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        map.entries_[address] = std::move(fingerprint);
    }
    return map;
}

KeyMap KeyMap::load(const std::string& path) {
    return parse(read_policy_file(path), path);
}

std::optional<std::string> KeyMap::fingerprint_for(std::string_view address) const {
    const auto found = entries_.find(pgp::comparable_address(address));
    if (found == entries_.end()) {
        return std::nullopt;
    }
    return found->second;
}

} // namespace mailveil::core
