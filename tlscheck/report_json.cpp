// report_json.cpp - the --json document (schema: docs/mailveil-tlscheck.1).
#include "tlscheck/report.h"

#include "tlscheck/cipher_catalogue.h"
#include "version.h"

namespace tlscheck {
namespace {

using nlohmann::json;

json optional_reply(const std::optional<SmtpReply>& r) {
    return r ? json(r->summary()) : json(nullptr);
}

json extensions(const std::optional<EhloResult>& e) {
    return e ? json(e->extensions) : json(nullptr);
}

json certificate_json(const CertificateFacts& f) {
    return {{"subject", f.subject},
            {"issuer", f.issuer},
            {"dns_names", f.dns_names},
            {"ip_addresses", f.ip_addresses},
            {"not_before", f.not_before},
            {"not_after", f.not_after},
            {"days_left", f.days_left},
            {"key_type", f.key_type},
            {"key_bits", f.key_bits},
            {"curve", f.curve.empty() ? json(nullptr) : json(f.curve)},
            {"signature_algorithm", f.signature_algorithm},
            {"sha256", f.sha256_fingerprint},
            {"self_issued", f.self_issued}};
}

json suite_json(std::uint16_t code) {
    const CipherSuite* s = find_suite(code);
    if (s == nullptr)
        return {{"code", hex_code(code)}, {"iana", nullptr}};
    json weaknesses = json::array();
    for (Weakness w : s->weaknesses)
        weaknesses.push_back(rule_for(w).id);
    return {{"code", hex_code(code)},  {"iana", s->iana},
            {"openssl", s->openssl},   {"kx", s->kx},
            {"cipher", s->cipher},     {"mac", s->mac},
            {"bits", s->bits},         {"forward_secrecy", s->forward_secret},
            {"weaknesses", weaknesses}};
}

} // namespace

json to_json(const CheckRun& run) {
    const Options& o = run.opt;
    json doc;
    doc["tool"] = "mailveil-tlscheck";
    doc["version"] = MAILVEIL_VERSION;
    doc["status"] = status_name(run.findings.status());
    doc["exit_code"] = exit_code(run.findings.status());
    doc["summary"] = verdict_summary(run);
    doc["target"] = o.host.empty()
                        ? json(nullptr)
                        : json{{"host", o.host},
                               {"port", o.port},
                               {"role", o.role == Role::mta ? "mta" : "submission"},
                               {"strict", o.strict},
                               {"implicit_tls", o.implicit_tls},
                               {"peer", run.dialogue ? json(run.dialogue->peer) : json(nullptr)}};
    json findings = json::array();
    for (const auto& f : run.findings.all())
        findings.push_back({{"id", f.id},
                            {"severity", severity_name(f.severity)},
                            {"message", f.message},
                            {"evidence", f.evidence}});
    doc["findings"] = findings;

    doc["smtp"] = nullptr;
    doc["session"] = nullptr;
    doc["certificate"] = nullptr;
    doc["chain"] = json::array();
    if (run.dialogue) {
        const DialogueFacts& d = *run.dialogue;
        doc["smtp"] = {{"banner", optional_reply(d.banner)},
                       {"ehlo_before_tls", extensions(d.ehlo_before_tls)},
                       {"starttls_offered", d.starttls_offered},
                       {"starttls_reply", optional_reply(d.starttls_reply)},
                       {"ehlo_after_tls", extensions(d.ehlo_after_tls)},
                       {"failed_stage", d.failed_stage == Stage::done
                                            ? json(nullptr)
                                            : json(stage_name(d.failed_stage))},
                       {"error", d.error.empty() ? json(nullptr) : json(d.error)},
                       {"transcript", d.transcript}};
        if (d.session) {
            const SessionFacts& s = *d.session;
            doc["session"] = {{"protocol", s.protocol},
                              {"cipher_iana", s.cipher_iana},
                              {"cipher_openssl", s.cipher_openssl},
                              {"cipher_code", hex_code(s.cipher_id)},
                              {"kx_group", s.kx_group},
                              {"kx_bits", s.kx_bits},
                              {"forward_secrecy", s.forward_secrecy},
                              {"peer_signature", s.peer_signature},
                              {"needed_security_level_0", s.permissive_context}};
            for (const auto& c : s.chain_facts)
                doc["chain"].push_back(certificate_json(c));
            if (!s.chain_facts.empty()) {
                json cert = certificate_json(s.chain_facts.front());
                json errors = json::array();
                if (run.verification)
                    for (const auto& e : run.verification->errors)
                        errors.push_back({{"code", e.code}, {"depth", e.depth}, {"text", e.text}});
                cert["chain_errors"] = errors;
                cert["trusted"] = run.verification && run.verification->loaded &&
                                  run.verification->errors.empty();
                doc["certificate"] = cert;
            }
        }
    }
    doc["protocols"] = nullptr;
    doc["suites"] = nullptr;
    doc["scan"] = nullptr;
    if (run.scan) {
        json protocols = json::object(), suites = json::object();
        for (const auto& p : run.scan->protocols) {
            protocols[version_name(p.version)] = p.accepted;
            if (!p.accepted)
                continue;
            json accepted = json::array();
            for (std::uint16_t code : p.suites)
                accepted.push_back(suite_json(code));
            suites[version_name(p.version)] = {
                {"server_order", p.server_order ? json(*p.server_order) : json(nullptr)},
                {"preferred", p.preferred ? suite_json(*p.preferred) : json(nullptr)},
                {"accepted", accepted}};
        }
        doc["protocols"] = protocols;
        doc["suites"] = suites;
        doc["scan"] = {{"method",
                        "hand-built ClientHello records, SSLv3 to TLS 1.3, no handshake "
                        "completed (independent of libssl's protocols); SSLv2 not probed"},
                       {"probes", run.scan->probes},
                       {"busy_retries", run.scan->busy_retries},
                       {"errors", run.scan->errors},
                       {"elapsed_ms", run.scan->elapsed_ms}};
    }
    json audits = json::array();
    for (const auto& a : run.audits)
        audits.push_back({{"mta", a.mta}, {"source", a.source}, {"settings", a.settings}});
    doc["audits"] = audits;
    doc["elapsed_ms"] = run.elapsed_ms;
    return doc;
}

} // namespace tlscheck
