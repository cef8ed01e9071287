// engine_run.h - run the Engine on the test keyring and look at what came out.
//
// For tests that expect encryption: applies the rewrite to the original bytes,
// reads the result as a mail client would and decrypts the armor with the
// secret keys in the test keyring.
#pragma once

#include "core/engine.h"
#include "helpers/gpg_tools.h"
#include "helpers/pgp_mime_reader.h"

#include <string>
#include <vector>

namespace mailveil::test {

// protect_headers: RFC 9788 header protection (the engine's default).
core::Engine test_engine(bool protect_headers = true);

struct EncryptedRun {
    core::Outcome outcome;
    std::string output;   // the rewritten message
    SeenMessage seen;     // the output as GMime reads it
    Decryption decrypted; // the second part's armor, decrypted
};

// Throws std::runtime_error when the engine does not encrypt or the output has
// no second part to decrypt; the tests check everything else themselves.
EncryptedRun encrypt_with_engine(const std::string& message,
                                 const std::vector<std::string>& recipients,
                                 bool protect_headers = true);

} // namespace mailveil::test
