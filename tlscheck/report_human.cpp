// report_human.cpp - the default report and the --quick summary, for people.
//
// Verdict line first, then sections. Colour (ANSI) only when asked for by
// the caller, which passes color = isatty && !--no-color.
#include "tlscheck/report.h"

#include <cstdio>

#include "tlscheck/cipher_catalogue.h"

namespace tlscheck {
namespace {

struct Paint {
    bool on;
    std::string operator()(const std::string& text, const char* code) const {
        return on ? std::string("\033[") + code + "m" + text + "\033[0m" : text;
    }
    std::string status(Status s) const {
        const char* code = s == Status::ok         ? "1;32"
                           : s == Status::warning  ? "1;33"
                           : s == Status::critical ? "1;31"
                                                   : "1;35";
        return (*this)(status_name(s), code);
    }
    std::string severity(Severity s) const {
        switch (s) {
        case Severity::critical:
            return (*this)("CRITICAL", "1;31");
        case Severity::warning:
            return (*this)("WARNING ", "1;33");
        case Severity::unknown:
            return (*this)("UNKNOWN ", "1;35");
        case Severity::note:
            return (*this)("note    ", "36");
        case Severity::info:
            return "info    ";
        }
        return "";
    }
};

void verdict(std::ostream& out, const CheckRun& run, const Paint& paint) {
    out << paint.status(run.findings.status()) << " - " << verdict_summary(run);
    if (!run.opt.host.empty())
        out << " (" << run.opt.host << " port " << run.opt.port << ", "
            << (run.opt.role == Role::mta ? (run.opt.strict ? "MTA, strict" : "MTA") : "submission")
            << (run.opt.implicit_tls ? ", implicit TLS" : "") << ")";
    out << "\n";
}

std::string join(const std::vector<std::string>& v, const char* sep) {
    std::string s;
    for (const auto& x : v)
        s += (s.empty() ? "" : sep) + x;
    return s;
}

void session_section(std::ostream& out, const CheckRun& run) {
    if (!run.dialogue || !run.dialogue->session)
        return;
    const SessionFacts& s = *run.dialogue->session;
    out << "\nTLS session\n";
    out << "  protocol      " << s.protocol
        << (s.permissive_context ? " (only at OpenSSL security level 0)" : "") << "\n";
    out << "  cipher suite  " << s.cipher_iana << " (" << s.cipher_openssl << ", "
        << hex_code(s.cipher_id) << ")\n";
    out << "  key exchange  " << (s.kx_group.empty() ? "-" : s.kx_group) << ", forward secrecy "
        << (s.forward_secrecy ? "yes" : "NO") << "\n";
    if (!s.peer_signature.empty())
        out << "  signature     " << s.peer_signature << "\n";
    if (s.chain_facts.empty()) {
        out << "  certificate   none\n";
        return;
    }
    const CertificateFacts& f = s.chain_facts.front();
    out << "\nCertificate\n";
    out << "  subject       " << f.subject << "\n";
    out << "  issuer        " << f.issuer << "\n";
    out << "  names         " << (f.dns_names.empty() ? "-" : join(f.dns_names, ", ")) << "\n";
    out << "  valid         " << f.not_before << " .. " << f.not_after << " (" << f.days_left
        << " days left)\n";
    out << "  key           " << f.key_type << " " << f.key_bits << " bits"
        << (f.curve.empty() ? "" : " " + f.curve) << ", signed " << f.signature_algorithm << "\n";
    out << "  chain         " << s.chain_facts.size() << " certificate(s) sent, ";
    if (run.verification && run.verification->loaded && run.verification->errors.empty())
        out << "trusted\n";
    else if (run.verification && !run.verification->errors.empty())
        out << "not trusted: " << run.verification->errors.front().text << "\n";
    else
        out << "not verified\n";
    out << "  sha256        " << f.sha256_fingerprint << "\n";
}

} // namespace

void write_human(std::ostream& out, const CheckRun& run, bool color) {
    Paint paint{color};
    verdict(out, run, paint);
    if (run.dialogue) {
        const DialogueFacts& d = *run.dialogue;
        out << "\nSMTP\n";
        out << "  connected     " << (d.peer.empty() ? "no" : d.peer) << "\n";
        if (d.banner)
            out << "  banner        " << d.banner->summary() << "\n";
        if (d.ehlo_before_tls)
            out << "  EHLO          " << join(d.ehlo_before_tls->extensions, ", ") << "\n";
        if (!run.opt.implicit_tls && d.ehlo_before_tls)
            out << "  STARTTLS      "
                << (d.starttls_offered
                        ? (d.starttls_reply ? d.starttls_reply->summary() : "offered")
                        : "not offered")
                << "\n";
        if (d.ehlo_after_tls)
            out << "  EHLO in TLS   " << join(d.ehlo_after_tls->extensions, ", ") << "\n";
        if (d.failed_stage != Stage::done)
            out << "  stopped at    " << stage_name(d.failed_stage) << ": " << d.error << "\n";
    }
    session_section(out, run);
    if (run.scan) {
        out << "\nProtocols\n ";
        for (const auto& p : run.scan->protocols)
            out << " " << version_name(p.version) << " " << (p.accepted ? "yes" : "no");
        out << "\n  (hand-built ClientHello probes, independent of this OpenSSL build; SSLv2 "
               "not probed)\n";
        for (const auto& p : run.scan->protocols) {
            if (!p.accepted)
                continue;
            out << "\nSuites " << version_name(p.version) << " ("
                << (p.server_order        ? (*p.server_order ? "server order" : "client order")
                    : p.suites.size() < 2 ? "one suite"
                                          : "order not determined")
                << ")\n";
            for (std::uint16_t code : p.suites) {
                const CipherSuite* s = find_suite(code);
                std::string flags;
                if (s != nullptr)
                    for (Weakness w : s->weaknesses)
                        flags += std::string(flags.empty() ? "" : ",") + rule_for(w).id;
                out << "  " << hex_code(code) << "  " << (s ? s->iana : "?");
                if (!flags.empty())
                    out << "  " << paint("[" + flags + "]", "33");
                out << "\n";
            }
        }
    }
    for (const auto& a : run.audits) {
        out << "\nConfiguration (" << a.mta << ", " << a.source << ")\n";
        for (const auto& [name, value] : a.settings)
            out << "  " << name << " = " << value << "\n";
    }
    out << "\nFindings\n";
    bool any = false;
    for (Severity sev :
         {Severity::critical, Severity::unknown, Severity::warning, Severity::note}) {
        for (const auto& f : run.findings.all()) {
            if (f.severity != sev)
                continue;
            any = true;
            out << "  " << paint.severity(f.severity) << " " << f.id << ": " << f.message << "\n";
            if (!f.evidence.empty())
                out << "           " << f.evidence << "\n";
        }
    }
    if (!any)
        out << "  none\n";
    char timing[96];
    std::snprintf(timing, sizeof timing, "\nChecked in %.2f s", run.elapsed_ms / 1000.0);
    out << timing;
    if (run.scan)
        out << " (" << run.scan->probes << " probes)";
    out << "\n";
}

void write_quick(std::ostream& out, const CheckRun& run, bool color) {
    Paint paint{color};
    verdict(out, run, paint);
    if (run.dialogue) {
        for (const auto& line : run.dialogue->transcript)
            out << "  " << line << "\n";
        if (run.dialogue->failed_stage != Stage::done)
            out << "  stopped at " << stage_name(run.dialogue->failed_stage) << ": "
                << run.dialogue->error << "\n";
    }
    session_section(out, run);
    bool header = false;
    for (const auto& f : run.findings.all()) {
        if (f.severity == Severity::info)
            continue;
        if (!header)
            out << "\nFindings\n";
        header = true;
        out << "  " << paint.severity(f.severity) << " " << f.id << ": " << f.message << "\n";
    }
}

} // namespace tlscheck
