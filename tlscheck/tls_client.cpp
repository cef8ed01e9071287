// tls_client.cpp - OpenSSL client contexts and the TLS channel; see tls_client.h.
#include "tlscheck/tls_client.h"

namespace tlscheck {

SslCtxPtr make_client_context(ContextKind kind, const std::optional<std::string>& ca_file) {
    SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx)
        throw TlsError("SSL_CTX_new: " + openssl_error());
    if (kind == ContextKind::permissive) {
        SSL_CTX_set_security_level(ctx.get(), 0);
        SSL_CTX_set_min_proto_version(ctx.get(), 0);
        SSL_CTX_set_cipher_list(ctx.get(), "ALL:COMPLEMENTOFALL:@SECLEVEL=0");
    }
    if (ca_file) {
        if (SSL_CTX_load_verify_locations(ctx.get(), ca_file->c_str(), nullptr) != 1)
            throw TlsError("cannot load CA file " + *ca_file + ": " + openssl_error());
    } else if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1) {
        throw TlsError("cannot load the system trust store: " + openssl_error());
    }
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    return ctx;
}

template <typename Op> int TlsChannel::drive(Op op, Millis timeout, const char* what) {
    for (;;) {
        ERR_clear_error();
        int rc = op();
        if (rc > 0)
            return rc;
        int err = SSL_get_error(ssl_.get(), rc);
        switch (err) {
        case SSL_ERROR_WANT_READ:
            conn_.wait(true, timeout);
            break;
        case SSL_ERROR_WANT_WRITE:
            conn_.wait(false, timeout);
            break;
        case SSL_ERROR_ZERO_RETURN:
            return 0;
        case SSL_ERROR_SYSCALL: {
            std::string detail = openssl_error();
            throw TlsError(std::string(what) + ": connection closed by the server" +
                           (detail.empty() ? "" : " (" + detail + ")"));
        }
        default:
            throw TlsError(std::string(what) + ": " + openssl_error());
        }
    }
}

TlsChannel::TlsChannel(SSL_CTX& ctx, Connection& conn, const std::string& sni, Millis timeout)
    : conn_(conn), ssl_(SSL_new(&ctx)) {
    if (!ssl_)
        throw TlsError("SSL_new: " + openssl_error());
    SSL_set_fd(ssl_.get(), conn.fd());
    if (!sni.empty())
        SSL_set_tlsext_host_name(ssl_.get(), sni.c_str());
    drive([&] { return SSL_connect(ssl_.get()); }, timeout, "TLS handshake");
}

std::size_t TlsChannel::read_some(char* buf, std::size_t len, Millis timeout) {
    int n = drive([&] { return SSL_read(ssl_.get(), buf, static_cast<int>(len)); }, timeout,
                  "TLS read");
    return n > 0 ? static_cast<std::size_t>(n) : 0;
}

void TlsChannel::write_all(std::string_view data, Millis timeout) {
    while (!data.empty()) {
        int n =
            drive([&] { return SSL_write(ssl_.get(), data.data(), static_cast<int>(data.size())); },
                  timeout, "TLS write");
        if (n <= 0)
            throw IoError("TLS write: connection closed", false);
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

} // namespace tlscheck
