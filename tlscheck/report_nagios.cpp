// report_nagios.cpp - the --nagios line: "TLSCHECK STATUS - why | perfdata".
#include "tlscheck/report.h"

#include <cstdio>

namespace tlscheck {

std::string nagios_line(const CheckRun& run) {
    std::string line = std::string("TLSCHECK ") + status_name(run.findings.status()) + " - " +
                       verdict_summary(run);
    for (char& c : line)
        if (c == '|' || c == '\n')
            c = c == '|' ? '/' : ' ';
    std::string perf;
    if (run.dialogue && run.dialogue->session && !run.dialogue->session->chain_facts.empty())
        perf += "days_to_expiry=" +
                std::to_string(run.dialogue->session->chain_facts.front().days_left) + ";" +
                std::to_string(run.opt.warn_days) + ":;0: "; // warn below N days, crit below 0
    if (run.scan)
        perf += "probes=" + std::to_string(run.scan->probes) + " ";
    char time[64];
    std::snprintf(time, sizeof time, "time=%.3fs", run.elapsed_ms / 1000.0);
    perf += time;
    return line + " | " + perf;
}

} // namespace tlscheck
