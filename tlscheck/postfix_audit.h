// postfix_audit.h - the --postfix audit of a local Postfix configuration.
//
// Reads the settings that decide TLS and the milter wiring through
// `postconf [-c DIR] -x NAME...` and `postconf -P` (master.cf overrides),
// checks the certificate and key files (readable, matching each other, and,
// when the network check ran too, the same certificate the server presented)
// and judges them. Failure modes: postconf missing or failing gives an
// UNKNOWN finding (postfix.audit.failed); nothing is thrown.
#pragma once

#include "tlscheck/config_audit.h"
#include "tlscheck/dialogue.h"
#include "tlscheck/findings.h"

namespace tlscheck {

ConfigAudit audit_postfix(const Options& opt, const DialogueFacts* network, Findings& out);

// Postfix protocol list ("!SSLv2, !SSLv3", ">=TLSv1.2", "TLSv1.2 TLSv1.3") ->
// the lowest version it allows ("SSLv3", "TLSv1", ... or "" when none).
std::string lowest_allowed_protocol(const std::string& setting);

// A milter list ("inet:127.0.0.1:8891, { unix:/x, default_action=accept }") -> entries.
std::vector<std::string> split_milters(const std::string& setting);

} // namespace tlscheck
