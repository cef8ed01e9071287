// session_facts.h - what an established TLS session and its certificates are.
//
// read_session_facts() describes the negotiated session (protocol, suite by
// IANA and OpenSSL name, key exchange group, forward secrecy), the chain the
// server sent and OpenSSL's verification result; read_certificate_facts()
// describes one certificate. Pure description: judging is cert_checks' and
// checks' job. Failure modes: none thrown; unknown fields are left empty.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tlscheck/openssl_handles.h"

namespace tlscheck {

struct CertificateFacts {
    std::string subject;
    std::string issuer;
    std::vector<std::string> dns_names; // subjectAltName dNSName entries
    std::vector<std::string> ip_addresses;
    std::string not_before; // ISO 8601 UTC
    std::string not_after;
    long days_left = 0;   // until not_after, negative when expired
    std::string key_type; // "RSA", "EC", "ED25519", ...
    int key_bits = 0;
    std::string curve;               // for EC keys
    std::string signature_algorithm; // e.g. "sha256WithRSAEncryption"
    std::string sha256_fingerprint;  // hex, colon-separated
    bool self_issued = false;        // subject == issuer
};

CertificateFacts read_certificate_facts(X509& cert);

struct SessionFacts {
    std::string protocol;       // "TLSv1.3"
    std::string cipher_openssl; // "TLS_AES_256_GCM_SHA384" / "ECDHE-RSA-AES128-GCM-SHA256"
    std::string cipher_iana;    // "TLS_AES_256_GCM_SHA384" / "TLS_ECDHE_RSA_WITH_..."
    std::uint16_t cipher_id = 0;
    std::string kx_group; // "X25519", "secp256r1", "ffdhe2048", "DH 2048" ...
    int kx_bits = 0;
    bool forward_secrecy = false;
    std::string peer_signature;      // handshake signature hash/type, e.g. "rsa_pss_rsae_sha256"
    bool permissive_context = false; // needed the security-level-0 fallback
    std::vector<X509Ptr> chain;      // as the server sent it, leaf first
    std::vector<CertificateFacts> chain_facts;
    long verify_code = 0; // X509_V_OK or an X509_V_ERR_*
    std::string verify_error;
};

SessionFacts read_session_facts(SSL& ssl);

} // namespace tlscheck
