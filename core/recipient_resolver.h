// recipient_resolver.h - one envelope recipient -> policy action and key.
//
// Combines the admin's recipient rules, the key map and the keyring:
//  1. the first matching rule gives the action (opportunistic by default);
//     a "never" recipient gets no key lookup at all;
//  2. the key map, for the address as given, then without its +extension;
//  3. the keyring (exact addr-spec match), likewise.
// The extension is stripped only when a recipient delimiter is configured
// ("bob+lists@example.org" -> "bob@example.org" with delimiter "+").
//
// Failure: throws KeyringError when GnuPG fails (not when a key is missing).
#pragma once

#include "core/key_map.h"
#include "core/recipient_rules.h"
#include "pgp/keyring.h"

#include <optional>
#include <string>

namespace mailveil::core {

struct RecipientPolicy {
    RecipientRules rules;
    KeyMap key_map;
    std::string recipient_delimiter; // empty: addresses are used as they are
};

struct Resolution {
    std::string recipient;
    RecipientAction action = RecipientAction::Opportunistic;
    std::optional<pgp::RecipientKey> key;

    bool encryptable() const { return action != RecipientAction::Never && key.has_value(); }
};

// "bob+tag@example.org" -> "bob@example.org"; unchanged without delimiter or tag.
std::string strip_extension(const std::string& address, const std::string& delimiter);

Resolution resolve_recipient(const pgp::Keyring& keyring, const RecipientPolicy& policy,
                             const std::string& recipient);

} // namespace mailveil::core
