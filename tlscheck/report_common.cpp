// report_common.cpp - the verdict summary shared by every reporter.
#include "tlscheck/report.h"

namespace tlscheck {

std::string verdict_summary(const CheckRun& run) {
    auto deciding = run.findings.deciding();
    if (deciding.empty()) {
        if (!run.dialogue && !run.audits.empty())
            return "configuration audit found nothing to fix";
        if (run.dialogue && run.dialogue->session)
            return run.dialogue->session->protocol + " " + run.dialogue->session->cipher_iana +
                   (run.scan        ? ", no weak protocol or suite"
                    : run.opt.quick ? "; protocols and suites not scanned (--quick)"
                                    : "");
        return "nothing to report";
    }
    std::string text;
    std::size_t shown = 0;
    for (const Finding* f : deciding) {
        if (shown == 3) {
            text += "; and " + std::to_string(deciding.size() - shown) + " more";
            break;
        }
        std::string m = f->message;
        if (std::size_t cut = m.find(" ["); cut != std::string::npos)
            m.erase(cut); // drop the source reference in the one-liner
        if (std::size_t cut = m.find(':'); cut != std::string::npos && cut > 20)
            m.erase(cut);
        text += (shown ? "; " : "") + m;
        ++shown;
    }
    return text;
}

} // namespace tlscheck
