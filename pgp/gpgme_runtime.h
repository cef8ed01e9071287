// gpgme_runtime.h - GPGME initialisation and contexts bound to one GnuPG home.
//
// gpgme_check_version() must run once before any context is made. Contexts are
// not shared between threads: every operation makes its own.
//
// Failure: throws KeyringError when GPGME or the gpg engine is unusable.
#pragma once

#include "pgp/gpgme_handles.h"

#include <string>

namespace mailveil::pgp {

void ensure_gpgme_initialized();

// A new OpenPGP context whose engine uses gnupg_home as its home directory.
Context make_context(const std::string& gnupg_home);

// "what: gpgme's message" for error reports.
std::string describe_error(const std::string& what, gpgme_error_t error);

} // namespace mailveil::pgp
