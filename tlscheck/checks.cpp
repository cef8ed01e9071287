// checks.cpp - judging dialogue, session and scan facts; see checks.h.
#include "tlscheck/checks.h"

#include <map>

#include "tlscheck/cipher_catalogue.h"

namespace tlscheck {

bool strict_role(const Options& opt) {
    return opt.role == Role::submission || opt.strict;
}

Severity by_role(const Options& opt, Severity mta, Severity submission) {
    return strict_role(opt) ? submission : mta;
}

void judge_dialogue(const Options& opt, const DialogueFacts& d, Findings& out) {
    using S = Severity;
    const std::string where = opt.host + " port " + std::to_string(opt.port);
    // Judged whatever happened later: the password was offered in clear already.
    if (!opt.implicit_tls && d.ehlo_before_tls && d.ehlo_before_tls->has("AUTH"))
        out.add("smtp.auth_before_tls", by_role(opt, S::warning, S::critical),
                "AUTH is offered before TLS: passwords may be sent in clear "
                "(Postfix: smtpd_tls_auth_only = yes)",
                "AUTH " + d.ehlo_before_tls->params("AUTH"));
    switch (d.failed_stage) {
    case Stage::done:
        break;
    case Stage::connect:
        out.add("connect.failed", S::unknown, "cannot connect to " + where,
                d.error + (d.attempts > 1 ? " (" + std::to_string(d.attempts) + " attempts)"
                                          : std::string()));
        return;
    case Stage::banner:
        out.add("smtp.banner", S::unknown,
                "no usable SMTP greeting from " + where + "; nothing could be checked",
                d.error + (d.attempts > 1 ? " (" + std::to_string(d.attempts) + " attempts)"
                                          : std::string()));
        return;
    case Stage::ehlo:
        out.add("smtp.ehlo", S::unknown, "the server did not accept EHLO; TLS was not checked",
                d.error);
        return;
    case Stage::starttls:
        out.add("smtp.starttls.failed", S::critical,
                "the server advertises STARTTLS but does not start TLS", d.error);
        return;
    case Stage::handshake:
        out.add("tls.handshake.failed", S::critical,
                "no TLS session could be established, even at OpenSSL security level 0", d.error);
        return;
    case Stage::ehlo_after_tls:
        out.add("smtp.ehlo_after_tls", S::warning,
                "the SMTP dialogue fails inside TLS (EHLO after TLS)", d.error);
        break;
    }
    if (!opt.implicit_tls && d.ehlo_before_tls) {
        if (!d.starttls_offered) {
            out.add("smtp.starttls.missing", S::critical,
                    "STARTTLS is not offered: mail to and from this server travels in clear",
                    "EHLO: " + d.ehlo_before_tls->reply.summary());
            return;
        }
        if (d.bytes_after_starttls_reply > 0)
            out.add("smtp.starttls.extra_data", S::warning,
                    "the server sent data after its STARTTLS reply, before TLS (RFC 3207 s.5)",
                    std::to_string(d.bytes_after_starttls_reply) + " bytes");
    }
    if (d.ehlo_after_tls) {
        if (d.ehlo_after_tls->has("STARTTLS"))
            out.add("smtp.starttls.after_tls", S::warning,
                    "STARTTLS is still advertised inside TLS (RFC 3207 forbids it)");
        if (opt.role == Role::submission && !d.ehlo_after_tls->has("AUTH"))
            out.add("smtp.auth.missing", S::note, "no AUTH offered after TLS on a submission port");
    }
}

void judge_session(const Options& opt, const SessionFacts& s, Findings& out) {
    using S = Severity;
    std::string summary = s.protocol + " " + s.cipher_iana + " (" + s.cipher_openssl + ")" +
                          (s.kx_group.empty() ? "" : ", key exchange " + s.kx_group);
    out.add("tls.session", S::info, "negotiated " + summary);
    if (s.permissive_context)
        out.add("tls.session.legacy_only", by_role(opt, S::warning, S::critical),
                "a current OpenSSL client cannot negotiate TLS with this server; it worked only "
                "at security level 0, so modern senders fall back to plain text",
                summary);
    if (!s.forward_secrecy)
        out.add("tls.session.no_forward_secrecy", S::warning,
                "the negotiated session has no forward secrecy", summary);
}

void judge_scan(const Options& opt, const ScanResult& scan, Findings& out) {
    using S = Severity;
    if (!scan.errors.empty()) {
        std::string evidence;
        for (const auto& e : scan.errors)
            evidence += (evidence.empty() ? "" : "; ") + e;
        out.add("scan.incomplete", S::unknown,
                "the protocol/cipher scan is incomplete; its results may miss suites", evidence);
    }
    auto accepted = [&](TlsVersion v) {
        const ProtocolScan* p = scan.find(v);
        return p != nullptr && p->accepted;
    };
    if (accepted(TlsVersion::ssl3))
        out.add("tls.protocol.sslv3", S::critical, "SSLv3 is accepted (POODLE; RFC 7568)");
    if (accepted(TlsVersion::tls1_0))
        out.add("tls.protocol.tls1_0", S::warning, "TLS 1.0 is accepted (deprecated by RFC 8996)");
    if (accepted(TlsVersion::tls1_1))
        out.add("tls.protocol.tls1_1", S::warning, "TLS 1.1 is accepted (deprecated by RFC 8996)");
    bool any = false;
    for (TlsVersion v : all_versions)
        any = any || accepted(v);
    if (any && !accepted(TlsVersion::tls1_2) && !accepted(TlsVersion::tls1_3))
        out.add("tls.protocol.no_modern", S::critical,
                "neither TLS 1.2 nor TLS 1.3 is accepted (RFC 9325 requires TLS 1.2)");
    else if (any && !accepted(TlsVersion::tls1_3))
        out.add("tls.protocol.no_tls1_3", S::note, "TLS 1.3 is not offered (RFC 9325: SHOULD)");

    // One finding per weakness, listing the suites per version.
    for (const auto& rule : weakness_table()) {
        std::map<std::string, std::vector<std::string>> by_suite; // suite -> versions
        std::vector<std::string> order;
        for (const auto& p : scan.protocols)
            for (std::uint16_t code : p.suites) {
                const CipherSuite* cs = find_suite(code);
                if (cs == nullptr)
                    continue;
                bool weak = false;
                for (Weakness w : cs->weaknesses)
                    weak = weak || w == rule.weakness;
                if (!weak)
                    continue;
                if (!by_suite.count(cs->iana))
                    order.push_back(cs->iana);
                by_suite[cs->iana].push_back(version_name(p.version));
            }
        if (order.empty())
            continue;
        std::string evidence;
        for (const auto& name : order) {
            std::string versions;
            for (const auto& v : by_suite[name])
                versions += (versions.empty() ? "" : ",") + v;
            evidence += (evidence.empty() ? "" : "; ") + name + " (" + versions + ")";
        }
        out.add(std::string("tls.suite.") + rule.id, by_role(opt, rule.mta, rule.submission),
                std::string(rule.message) + " [" + rule.source + "]", evidence);
    }
}

} // namespace tlscheck
