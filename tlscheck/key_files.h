// key_files.h - read a PEM certificate and private key from disk, check they match.
//
// Used by the --postfix and --exim audits. load_certificate() returns the
// first certificate in a PEM file, load_private_key() the first private key
// (unencrypted; MTAs cannot use encrypted keys either). Failure modes:
// KeyFileError naming the file and the reason (missing, unreadable, no PEM
// object of that kind).
#pragma once

#include <stdexcept>
#include <string>

#include "tlscheck/openssl_handles.h"

namespace tlscheck {

struct KeyFileError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

X509Ptr load_certificate(const std::string& path);
EvpPkeyPtr load_private_key(const std::string& path);
bool key_matches(X509& cert, EVP_PKEY& key);

} // namespace tlscheck
