// fuzz_keyring.h - a throw-away GnuPG home with keys for the core fuzz target.
//
// make_fuzz_keyring() creates a private directory under $TMPDIR (or /tmp),
// generates usable ed25519/cv25519 keys for bob@example.org and
// carol@example.org there with gpg, and removes the directory (stopping its
// gpg-agent) when the process exits. Made once per process: key generation
// takes about a second, a fuzz run millions of inputs.
//
// Failure: prints gpg's complaint and exits the process: a fuzz run without
// keys would never reach the encryption path and must not look clean.
#pragma once

#include <string>

namespace mailveil::fuzz {

std::string make_fuzz_keyring();

} // namespace mailveil::fuzz
