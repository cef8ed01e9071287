// encryptor.h - one OpenPGP encryption to a set of keys (GPGME).
//
// Produces one ASCII-armored OpenPGP message that every given key can decrypt.
// The keys come from Keyring and are trusted as the keyring is (always-trust).
//
// Failure: throws EncryptionError when GPGME refuses a key or the operation.
#pragma once

#include "pgp/keyring.h"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace mailveil::pgp {

struct EncryptOptions {
    // Leave the recipients' key ids out of the message (GPGME's throw-keyids),
    // so that Bcc recipients stay private; decryption then tries every secret key.
    bool hide_recipients = false;
};

std::string encrypt_armored(const std::string& gnupg_home, std::string_view plaintext,
                            const std::vector<RecipientKey>& keys, EncryptOptions options = {});

// The same for plaintext too big to hold: source fills a buffer and returns the
// bytes it put there (0 at the end); sink receives the armored message in
// pieces as GnuPG writes it. An exception from either ends the operation and
// is rethrown.
using PlaintextSource = std::function<std::size_t(char* buffer, std::size_t size)>;
using ArmorSink = std::function<void(std::string_view piece)>;
void encrypt_armored_stream(const std::string& gnupg_home, const PlaintextSource& source,
                            const std::vector<RecipientKey>& keys, EncryptOptions options,
                            const ArmorSink& sink);

} // namespace mailveil::pgp
