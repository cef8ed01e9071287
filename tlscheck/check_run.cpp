// check_run.cpp - the order of a run; see check_run.h.
#include "tlscheck/check_run.h"

#include <chrono>

#include "tlscheck/checks.h"
#include "tlscheck/exim_audit.h"
#include "tlscheck/postfix_audit.h"

namespace tlscheck {

CheckRun run_check(const Options& opt, const ProgressFn& progress) {
    auto start = std::chrono::steady_clock::now();
    CheckRun run;
    run.opt = opt;
    if (!opt.host.empty()) {
        run.dialogue = run_dialogue_with_fallback(opt);
        const DialogueFacts& d = *run.dialogue;
        judge_dialogue(opt, d, run.findings);
        if (d.session) {
            judge_session(opt, *d.session, run.findings);
            run.verification = verify_chain(d.session->chain, opt.ca_file);
            judge_certificate(opt, *d.session, *run.verification, run.findings);
        }
        // Implicit TLS: scan whenever the port answered at all (even if the
        // SMTP part inside TLS failed). STARTTLS: only if it is offered.
        bool tls_reachable = opt.implicit_tls
                                 ? d.session.has_value() || d.failed_stage == Stage::handshake
                                 : d.starttls_offered && d.failed_stage != Stage::starttls;
        if (!opt.quick && tls_reachable) {
            run.scan = scan(opt, progress);
            judge_scan(opt, *run.scan, run.findings);
        }
    }
    if (opt.postfix)
        run.audits.push_back(
            audit_postfix(opt, run.dialogue ? &*run.dialogue : nullptr, run.findings));
    if (opt.exim)
        run.audits.push_back(audit_exim(opt, run.findings));
    run.elapsed_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return run;
}

} // namespace tlscheck
