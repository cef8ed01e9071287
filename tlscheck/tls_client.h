// tls_client.h - a real TLS handshake with OpenSSL 3 over a connected socket.
//
// make_client_context() builds the client SSL_CTX: `modern` uses OpenSSL's
// defaults (what a current MTA client negotiates); `permissive` lowers the
// security level to 0 and enables every protocol and suite this libssl still
// has, so a legacy-only server can at least be described. Verification is
// never enforced during the handshake (SSL_VERIFY_NONE): the result is read
// afterwards and judged by cert_checks. Trust comes from the system store or
// the --ca-file. Failure modes: TlsError when the handshake fails (alert,
// protocol error, peer closed), IoError on a timeout.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "tlscheck/channel.h"
#include "tlscheck/openssl_handles.h"

namespace tlscheck {

struct TlsError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

enum class ContextKind { modern, permissive };

SslCtxPtr make_client_context(ContextKind kind, const std::optional<std::string>& ca_file);

class TlsChannel final : public Channel {
  public:
    // Runs the handshake; `sni` empty = send no server_name.
    TlsChannel(SSL_CTX& ctx, Connection& conn, const std::string& sni, Millis timeout);
    std::size_t read_some(char* buf, std::size_t len, Millis timeout) override;
    void write_all(std::string_view data, Millis timeout) override;
    SSL& ssl() const { return *ssl_; }

  private:
    // Drives one SSL_* call through WANT_READ/WANT_WRITE; returns its result.
    template <typename Op> int drive(Op op, Millis timeout, const char* what);
    Connection& conn_;
    SslPtr ssl_;
};

} // namespace tlscheck
