// gpg_tools.h - GPGME calls the tests make on their own, to check the core's work.
//
// Decryption uses the secret keys make-test-keyring leaves in the test home.
// These talk to GPGME directly rather than through pgp/, so a bug there cannot
// hide itself.
#pragma once

#include "pgp/gpgme_handles.h"

#include <string>
#include <string_view>
#include <vector>

namespace mailveil::test {

struct Decryption {
    std::string plaintext;
    std::vector<std::string> recipient_key_ids; // as listed in the OpenPGP message
};

// Throws std::runtime_error when GPGME cannot decrypt.
Decryption decrypt(const std::string& gnupg_home, std::string_view armored);

// The public key with this primary fingerprint; throws when the home lacks it.
pgp::Key list_key(const std::string& gnupg_home, const std::string& fingerprint);

// Key IDs of the key's subkeys that can encrypt.
std::vector<std::string> encryption_subkey_ids(const std::string& gnupg_home,
                                               const std::string& fingerprint);

} // namespace mailveil::test
