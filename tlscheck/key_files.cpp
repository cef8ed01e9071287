// key_files.cpp - PEM file loading; see key_files.h.
#include "tlscheck/key_files.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <openssl/pem.h>

namespace tlscheck {
namespace {

BioPtr open_file(const std::string& path) {
    if (::access(path.c_str(), R_OK) != 0)
        throw KeyFileError(path + ": " + std::strerror(errno));
    BioPtr bio(BIO_new_file(path.c_str(), "r"));
    if (!bio)
        throw KeyFileError(path + ": " + openssl_error());
    return bio;
}

} // namespace

X509Ptr load_certificate(const std::string& path) {
    BioPtr bio = open_file(path);
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert)
        throw KeyFileError(path + ": no PEM certificate (" + openssl_error() + ")");
    return cert;
}

EvpPkeyPtr load_private_key(const std::string& path) {
    BioPtr bio = open_file(path);
    char empty[] = "";
    EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, empty));
    if (!key)
        throw KeyFileError(path + ": no readable PEM private key (" + openssl_error() + ")");
    return key;
}

bool key_matches(X509& cert, EVP_PKEY& key) {
    bool ok = X509_check_private_key(&cert, &key) == 1;
    ERR_clear_error();
    return ok;
}

} // namespace tlscheck
