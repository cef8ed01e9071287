// openssl_handles.h - owning smart pointers for OpenSSL's C handles.
//
// Every SSL_CTX*, SSL*, X509*, BIO*, EVP_PKEY* the checker creates is held by
// one of these, so an exception never leaks a handle. Failure modes: none
// here; openssl_error() turns OpenSSL's thread-local error queue into text for
// an exception message (and clears it).
#pragma once

#include <memory>
#include <string>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace tlscheck {

template <auto Free> struct OpenSslDeleter {
    template <typename T> void operator()(T* p) const noexcept { Free(p); }
};

using SslCtxPtr = std::unique_ptr<SSL_CTX, OpenSslDeleter<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, OpenSslDeleter<SSL_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO_free_all>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY_free>>;

// The pending OpenSSL errors as one line ("" when there are none); clears them.
std::string openssl_error();

// A new reference to an X509 (X509_up_ref) owned by an X509Ptr.
X509Ptr share(X509* cert);

} // namespace tlscheck
