// checks.h - turn the facts of a run into findings.
//
// Each judge_* function reads facts (the SMTP/TLS dialogue, the negotiated
// session, the protocol/suite scan) and adds findings with severities that
// depend on the port's role (see options.h and the man page). Certificates
// are judged in cert_checks.h. Failure modes: none; pure functions of facts.
#pragma once

#include "tlscheck/dialogue.h"
#include "tlscheck/findings.h"
#include "tlscheck/scanner.h"

namespace tlscheck {

// Submission ports, or --strict on port 25.
bool strict_role(const Options& opt);
// `mta` on port 25 unless strict, `submission` otherwise.
Severity by_role(const Options& opt, Severity mta, Severity submission);

void judge_dialogue(const Options& opt, const DialogueFacts& d, Findings& out);
void judge_session(const Options& opt, const SessionFacts& s, Findings& out);
void judge_scan(const Options& opt, const ScanResult& scan, Findings& out);

} // namespace tlscheck
