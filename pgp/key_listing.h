// key_listing.h - every key GnuPG lists in a keyring, handed over one at a time.
//
// One gpg run (a pooled context of that GnuPG home) in local key listing
// mode; pattern nullptr lists all keys.
//
// Failure: throws KeyringError when the listing cannot start, fails midway or
// comes back truncated; the message names the keyring (and a gpg stopped at
// gpg_timeout).
#pragma once

#include "pgp/gpgme_handles.h"

#include <functional>
#include <string>

namespace mailveil::pgp {

void for_each_listed_key(const std::string& gnupg_home, const char* pattern,
                         const std::function<void(const Key&)>& visit);

} // namespace mailveil::pgp
