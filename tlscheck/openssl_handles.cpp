// openssl_handles.cpp - OpenSSL error text and reference helpers.
#include "tlscheck/openssl_handles.h"

namespace tlscheck {

std::string openssl_error() {
    std::string text;
    while (unsigned long code = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        if (!text.empty())
            text += "; ";
        text += buf;
    }
    return text;
}

X509Ptr share(X509* cert) {
    if (cert != nullptr)
        X509_up_ref(cert);
    return X509Ptr(cert);
}

} // namespace tlscheck
