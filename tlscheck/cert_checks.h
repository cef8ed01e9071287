// cert_checks.h - judge the certificate chain a server presented.
//
// verify_chain() verifies the chain as sent against the system trust store
// (or --ca-file) with its own X509_STORE, collecting every error rather than
// OpenSSL's last one, so an expired self-signed leaf is reported as both.
// judge_certificate() turns that, the host-name match (RFC 6125 via
// X509_check_host, no partial wildcards), the validity window, key size and
// signature algorithm into findings with role-dependent severities.
// Failure modes: a trust store that cannot be loaded is a finding
// (cert.trust_store, UNKNOWN), never an exception.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tlscheck/findings.h"
#include "tlscheck/options.h"
#include "tlscheck/session_facts.h"

namespace tlscheck {

struct ChainError {
    int code; // X509_V_ERR_*
    int depth;
    std::string text;
};

struct ChainVerification {
    bool loaded = true; // trust store could be loaded
    std::string load_error;
    std::vector<ChainError> errors; // empty = trusted
};

ChainVerification verify_chain(const std::vector<X509Ptr>& chain,
                               const std::optional<std::string>& ca_file);

void judge_certificate(const Options& opt, const SessionFacts& s,
                       const ChainVerification& verification, Findings& out);

} // namespace tlscheck
