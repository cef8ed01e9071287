// import_keys.h - "mailveil-keys import": public keys into the keyring, never
// a secret one.
//
// The input is listed first without importing (gpgme_op_keylist_from_data,
// gpg --import-options show-only): when it holds any secret key or no key at
// all, nothing is imported. Otherwise it is imported and each key reported:
// "imported" (new), "updated" (new user IDs, subkeys or signatures),
// "unchanged", or "not imported" with GnuPG's reason.
//
// Returns kExitOk, or kExitRefused when nothing or not everything was imported.
// Failure: throws KeyringError when GnuPG fails.
#pragma once

#include <ostream>
#include <string>

namespace mailveil::keys {

int import_keys(const std::string& gnupg_home, const std::string& key_data, std::ostream& out,
                std::ostream& err);

} // namespace mailveil::keys
