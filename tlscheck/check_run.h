// check_run.h - one run of mailveil-tlscheck: facts gathered, findings judged.
//
// run_check() does what the options ask, in order: the SMTP/TLS dialogue
// (with one real OpenSSL handshake), the certificate checks, unless --quick
// the protocol and suite scan, and the --postfix/--exim audits. It collects
// the facts and the findings; reporters (report.h) only print them.
// Failure modes: everything the server or the local system does becomes a
// finding; only a bad --ca-file or std::bad_alloc escape as exceptions.
#pragma once

#include <optional>
#include <vector>

#include "tlscheck/cert_checks.h"
#include "tlscheck/config_audit.h"
#include "tlscheck/dialogue.h"
#include "tlscheck/findings.h"
#include "tlscheck/scanner.h"

namespace tlscheck {

struct CheckRun {
    Options opt;
    std::optional<DialogueFacts> dialogue;
    std::optional<ChainVerification> verification;
    std::optional<ScanResult> scan;
    std::vector<ConfigAudit> audits;
    Findings findings;
    double elapsed_ms = 0;
};

CheckRun run_check(const Options& opt, const ProgressFn& progress = {});

} // namespace tlscheck
