// exim_audit.h - the --exim audit of a local Exim configuration.
//
// Reads tls_certificate, tls_privatekey, tls_advertise_hosts and
// tls_require_ciphers with `exim -bP` (exim4 or exim on PATH, or --exim=BINARY)
// and judges them; on Debian, tls_advertise_hosts is set by the config's
// MAIN_TLS_ENABLE. Failure modes: Exim not installed, or -bP failing, is an
// UNKNOWN finding (exim.not_installed / exim.audit.failed); nothing is thrown.
#pragma once

#include "tlscheck/config_audit.h"
#include "tlscheck/findings.h"
#include "tlscheck/options.h"

namespace tlscheck {

ConfigAudit audit_exim(const Options& opt, Findings& out);

} // namespace tlscheck
