// key_map.h - explicit keys for addresses whose key carries another address.
//
// A key map file holds "ADDRESS FINGERPRINT" lines: mail to a role address
// or alias (postmaster@example.org) is encrypted to the named key even though
// no user ID of that key has the address. Addresses compare ignoring ASCII
// case; fingerprints are 40 (v4) or 64 (v5) hex digits.
//
// Failure: throws config::ConfigError ("file:line: reason") for a bad line.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace mailveil::core {

class KeyMap {
  public:
    KeyMap() = default;
    static KeyMap parse(const std::string& text, const std::string& path);
    static KeyMap load(const std::string& path);

    std::optional<std::string> fingerprint_for(std::string_view address) const;
    std::size_t size() const { return entries_.size(); }
    const std::map<std::string, std::string>& entries() const { return entries_; }

  private:
    std::map<std::string, std::string> entries_; // comparable address -> FINGERPRINT
};

} // namespace mailveil::core
