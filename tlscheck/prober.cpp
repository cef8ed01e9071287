// prober.cpp - a single ClientHello probe; see prober.h.
#include "tlscheck/prober.h"

#include "tlscheck/dialogue.h"
#include "tlscheck/smtp_client.h"

namespace tlscheck {

ProbeOutcome probe(const Options& opt, TlsVersion version,
                   const std::vector<std::uint16_t>& suites) {
    ProbeOutcome out;
    using K = ProbeOutcome::Kind;
    try {
        Connection conn = Connection::open(opt.host, opt.port, opt.timeout, opt.family);
        if (!opt.implicit_tls) {
            PlainChannel plain(conn);
            SmtpClient smtp(plain, opt.timeout);
            SmtpReply banner;
            try {
                banner = smtp.read_reply();
            } catch (const SmtpDropped&) {
                return {K::busy, 0, 0, "dropped before the banner"};
            }
            if (banner.code != 220)
                return {banner.code == 421 ? K::busy : K::failed, 0, 0,
                        "banner " + banner.summary()};
            EhloResult ehlo = smtp.ehlo(opt.ehlo_name);
            if (!ehlo.has("STARTTLS"))
                return {K::failed, 0, 0, "STARTTLS not offered"};
            SmtpReply go = smtp.command("STARTTLS");
            if (go.code != 220)
                return {go.code == 421 ? K::busy : K::failed, 0, 0,
                        "STARTTLS answered " + go.summary()};
        }
        conn.write_all(build_client_hello(version, suites, sni_for(opt)), opt.timeout);
        HelloReader reader;
        for (;;) {
            char buf[4096];
            std::size_t n = conn.read_some(buf, sizeof buf, opt.timeout);
            if (n == 0)
                return {K::rejected, 0, 0, "connection closed after the ClientHello"};
            if (auto answer = reader.feed(std::string_view(buf, n))) {
                if (answer->kind == HelloAnswer::Kind::alert)
                    return {K::rejected, 0, 0,
                            "alert " + std::to_string(answer->alert_description)};
                if (answer->kind == HelloAnswer::Kind::garbage)
                    return {K::failed, 0, 0, answer->detail};
                out.version = answer->version;
                out.suite = answer->suite;
                out.kind = answer->version == static_cast<std::uint16_t>(version) ? K::accepted
                                                                                  : K::rejected;
                if (out.kind == K::rejected)
                    out.detail = "server answered with another version";
                return out;
            }
        }
    } catch (const ConnectError& e) {
        return {e.refused() ? K::busy : K::failed, 0, 0, e.what()};
    } catch (const std::exception& e) {
        return {K::failed, 0, 0, e.what()};
    }
}

} // namespace tlscheck
