#!/usr/bin/python3
"""test_postfix - mailveil-tlscheck against real Postfix instances.

usage: test_postfix.py SCENARIO   (modern, legacy, defaults, nostarttls,
                                    smtps, selfsigned, expired, wronghost,
                                    chain, ipv6, connlimit)

Each scenario starts a private Postfix on 127.0.0.1 with generated
certificates and its own smtpd_tls_* settings, runs the checker in several
ways and compares the exact verdict, exit code, protocol set, accepted
suites and findings with what that configuration must give.
"""

import os
import re
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlsfixture as fx  # noqa: E402

MODERN = {
    "smtpd_tls_security_level": "may",
    "smtpd_tls_protocols": ">=TLSv1.2",
    "smtpd_tls_mandatory_protocols": ">=TLSv1.2",
    "smtpd_tls_ciphers": "high",
    "smtpd_tls_mandatory_ciphers": "high",
    "tls_high_cipherlist": "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL",
}
LEGACY = {
    "smtpd_tls_security_level": "may",
    "smtpd_tls_protocols": ">=TLSv1",
    "smtpd_tls_ciphers": "medium",
    "tls_medium_cipherlist": "ECDHE+AESGCM:ECDHE-RSA-AES128-SHA:@SECLEVEL=0",
    "tls_preempt_cipherlist": "yes",  # the server's order, not the client's
}
TLS12_AEAD = ["0xC02F", "0xC030", "0xCCA8"]
TLS13 = ["0x1301", "0x1302", "0x1303"]
TIME_LIMIT_MS = float(os.environ.get("TLSCHECK_TIME_LIMIT_MS", "3000"))


def ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def with_cert(settings, certs, name):
    s = dict(settings)
    s["smtpd_tls_cert_file"] = certs.cert(name)
    s["smtpd_tls_key_file"] = certs.key(name)
    return s


def expect(c, label, args, status, exit_code, has=(), lacks=(), severities=None,
           protocols=None, suites=None):
    code, doc = fx.check_json(*args)
    c.eq(f"{label}: exit code", code, exit_code)
    c.eq(f"{label}: status", doc["status"], status)
    c.eq(f"{label}: exit_code field", doc["exit_code"], exit_code)
    ids = fx.finding_ids(doc)
    for i in has:
        c.true(f"{label}: finding {i} expected", i in ids, f"(got {ids})")
    for i in lacks:
        c.true(f"{label}: finding {i} unexpected", i not in ids, f"(got {ids})")
    for fid, sev in (severities or {}).items():
        got = [f["severity"] for f in doc["findings"] if f["id"] == fid]
        c.eq(f"{label}: severity of {fid}", got, [sev])
    if protocols is not None:
        c.eq(f"{label}: protocols", fx.accepted_protocols(doc), protocols)
    for version, codes in (suites or {}).items():
        c.eq(f"{label}: {version} suites", fx.suite_codes(doc, version), sorted(codes))
    return doc


def main():
    scenario = sys.argv[1]
    fx.need_root()
    fx.need_programs("postfix", "postconf", "openssl")
    c = fx.Checker(f"postfix.{scenario}")
    with fx.tempdir(f"tlscheck-{scenario}") as base:
        certs = fx.Certs(base)
        ca = ["--ca-file", certs.ca, "--mx-name", fx.Certs.NAME]

        if scenario == "modern":
            with fx.Postfix(base, "pf", with_cert(MODERN, certs, "good")) as pf:
                target = f"127.0.0.1:{pf.port}"
                doc = expect(c, "modern", [*ca, target], "OK", 0,
                             lacks=["tls.protocol.tls1_0", "cert.chain.incomplete"],
                             protocols=["TLSv1.2", "TLSv1.3"],
                             suites={"TLSv1.2": TLS12_AEAD, "TLSv1.3": TLS13})
                c.true("modern: finished in time", doc["elapsed_ms"] < TIME_LIMIT_MS,
                       f"({doc['elapsed_ms']:.0f} ms, limit {TIME_LIMIT_MS:.0f})")
                c.eq("modern: client order (Postfix default)",
                     doc["suites"]["TLSv1.2"]["server_order"], False)
                c.eq("modern: session protocol", doc["session"]["protocol"], "TLSv1.3")
                c.true("modern: forward secrecy", doc["session"]["forward_secrecy"])
                c.eq("modern: certificate trusted", doc["certificate"]["trusted"], True)
                c.eq("modern: key", (doc["certificate"]["key_type"],
                                     doc["certificate"]["key_bits"]), ("RSA", 2048))
                c.eq("modern: STARTTLS reply", doc["smtp"]["starttls_reply"][:3], "220")
                # RFC 6125 wildcard: one label only.
                expect(c, "wildcard", [*ca, "--mx-name", "a.mx.test.example", target], "OK", 0)
                expect(c, "two-label wildcard", [*ca, "--mx-name", "b.a.mx.test.example", target],
                       "WARNING", 1, has=["cert.hostname.mismatch"])
                # Without the test CA, the chain cannot be verified.
                expect(c, "system store", ["--mx-name", fx.Certs.NAME, target], "WARNING", 1,
                       has=["cert.chain.incomplete"])
                code, out, _ = fx.check("--nagios", *ca, target)
                c.eq("nagios exit", code, 0)
                c.true("nagios line", re.fullmatch(
                    r"TLSCHECK OK - [^|\n]+ \| days_to_expiry=36[45];21:;0: probes=\d+ "
                    r"time=\d+\.\d{3}s\n", out) is not None, repr(out))
                code, out, _ = fx.check("--quick", *ca, target)
                c.eq("quick exit", code, 0)
                c.true("quick shows the dialogue", "C: STARTTLS" in out and "TLSv1.3" in out, out)
                code, qdoc = fx.check_json("--quick", *ca, target)
                c.eq("quick does not scan", qdoc["protocols"], None)
                code, out = fx.check_tty(*ca, target)
                c.true("terminal: colour", "\x1b[1;32mOK\x1b[0m - " in out, repr(out[:300]))
                c.true("terminal: progress line", "\rprobing 127.0.0.1: " in out, repr(out[:300]))
                code, out = fx.check_tty("--no-color", "--no-progress", *ca, target)
                c.true("terminal: --no-color --no-progress", "\x1b[" not in out and
                       "\rprobing " not in out, repr(out[:300]))
                piped = subprocess.run([fx.tool(), *ca, target], capture_output=True, text=True)
                c.true("pipe: no colour, no progress", "\x1b[" not in piped.stdout + piped.stderr
                       and "probing " not in piped.stderr)
                code, out, _ = fx.check(*ca, target)
                c.true("human report: verdict first",
                       out.startswith("OK - ") and "\nProtocols\n" in out, out[:200])

        elif scenario == "legacy":
            with fx.Postfix(base, "pf", with_cert(LEGACY, certs, "good")) as pf:
                doc = expect(c, "legacy", [*ca, f"127.0.0.1:{pf.port}"], "WARNING", 1,
                       has=["tls.protocol.tls1_0", "tls.protocol.tls1_1", "tls.suite.cbc_sha1"],
                       lacks=["tls.suite.no_forward_secrecy", "tls.protocol.sslv3"],
                       severities={"tls.protocol.tls1_0": "warning",
                                   "tls.suite.cbc_sha1": "note"},
                       protocols=["TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"],
                       suites={"TLSv1.0": ["0xC013"], "TLSv1.1": ["0xC013"],
                               "TLSv1.2": ["0xC013", "0xC02F", "0xC030"], "TLSv1.3": TLS13})
                tls12 = doc["suites"]["TLSv1.2"]
                c.eq("legacy: server order (tls_preempt_cipherlist)", tls12["server_order"], True)
                c.eq("legacy: preferred suite", (tls12["preferred"] or {}).get("code"), "0xC030")

        elif scenario == "defaults":
            # Postfix's own defaults: anonymous suites on purpose, static RSA, TLS 1.0.
            s = {"smtpd_tls_security_level": "may"}
            with fx.Postfix(base, "pf", with_cert(s, certs, "good")) as pf:
                target = f"127.0.0.1:{pf.port}"
                doc = expect(c, "defaults as MTA", [*ca, target], "WARNING", 1,
                             has=["tls.suite.anonymous", "tls.suite.no_forward_secrecy"],
                             severities={"tls.suite.anonymous": "note"})
                c.true("defaults: ADH suite seen", "0x0034" in fx.suite_codes(doc, "TLSv1.2"))
                expect(c, "defaults as submission", ["--submission", *ca, target], "CRITICAL", 2,
                       severities={"tls.suite.anonymous": "critical"})

        elif scenario == "nostarttls":
            with fx.Postfix(base, "pf", {"smtpd_tls_security_level": "none"}) as pf:
                doc = expect(c, "no STARTTLS", [f"127.0.0.1:{pf.port}"], "CRITICAL", 2,
                             has=["smtp.starttls.missing"], protocols=[])
                c.eq("no session", doc["session"], None)
                c.eq("STARTTLS not offered", doc["smtp"]["starttls_offered"], False)

        elif scenario == "smtps":
            with fx.Postfix(base, "pf", with_cert(MODERN, certs, "good"), smtps=True) as pf:
                doc = expect(c, "smtps", ["--smtps", *ca, f"127.0.0.1:{pf.smtps_port}"], "OK", 0,
                             has=["smtp.auth.missing"],
                             protocols=["TLSv1.2", "TLSv1.3"],
                             suites={"TLSv1.2": TLS12_AEAD, "TLSv1.3": TLS13})
                c.eq("smtps role", doc["target"]["role"], "submission")
                c.true("banner read inside TLS", doc["smtp"]["banner"].startswith("220 "))
                c.eq("no STARTTLS step", doc["smtp"]["starttls_reply"], None)

        elif scenario == "selfsigned":
            with fx.Postfix(base, "pf", with_cert(MODERN, certs, "selfsigned")) as pf:
                target = f"127.0.0.1:{pf.port}"
                expect(c, "self-signed on port 25", [*ca, target], "OK", 0,
                       severities={"cert.chain.self_signed": "note"})
                expect(c, "self-signed --strict", ["--strict", *ca, target], "CRITICAL", 2,
                       severities={"cert.chain.self_signed": "critical"})
                expect(c, "self-signed on submission", ["--submission", *ca, target],
                       "CRITICAL", 2, severities={"cert.chain.self_signed": "critical"})

        elif scenario == "expired":
            with fx.Postfix(base, "pf", with_cert(MODERN, certs, "expired")) as pf:
                doc = expect(c, "expired", [*ca, f"127.0.0.1:{pf.port}"], "CRITICAL", 2,
                             has=["cert.expired"], lacks=["cert.expiry.soon"],
                             severities={"cert.expired": "critical"})
                c.true("days_left negative", doc["certificate"]["days_left"] < 0)
                code, out, _ = fx.check("--nagios", *ca, f"127.0.0.1:{pf.port}")
                c.true("nagios: negative days", code == 2 and "days_to_expiry=-" in out, out)

        elif scenario == "wronghost":
            with fx.Postfix(base, "pf", with_cert(MODERN, certs, "wronghost")) as pf:
                target = f"127.0.0.1:{pf.port}"
                expect(c, "wrong host name", [*ca, target], "WARNING", 1,
                       severities={"cert.hostname.mismatch": "warning"},
                       lacks=["cert.chain.incomplete"])
                expect(c, "wrong host name --strict", ["--strict", *ca, target], "CRITICAL", 2,
                       severities={"cert.hostname.mismatch": "critical"})
                expect(c, "right name for that cert",
                       ["--ca-file", certs.ca, "--mx-name", "other.test.example", target], "OK", 0)
        elif scenario == "ipv6":
            fx.need(socket.has_ipv6 and ipv6_loopback(), "no IPv6 on the loopback interface")
            with fx.Postfix(base, "pf", with_cert(MODERN, certs, "good"), ipv6=True) as pf:
                doc = expect(c, "IPv6", ["-6", *ca, f"[::1]:{pf.port}"], "OK", 0,
                             protocols=["TLSv1.2", "TLSv1.3"],
                             suites={"TLSv1.2": TLS12_AEAD, "TLSv1.3": TLS13})
                c.eq("IPv6 peer", doc["target"]["peer"], f"[::1]:{pf.port}")
        elif scenario == "chain":
            chained, leaf_only, key = certs.chain()
            full = dict(MODERN, smtpd_tls_cert_file=chained, smtpd_tls_key_file=key)
            with fx.Postfix(base, "full", full) as pf:
                doc = expect(c, "leaf + intermediate", [*ca, f"127.0.0.1:{pf.port}"], "OK", 0,
                             lacks=["cert.chain.incomplete"])
                c.eq("two certificates sent", len(doc["chain"]), 2)
                c.eq("chain trusted", doc["certificate"]["trusted"], True)
            # The whole chain up to a root this client does not trust.
            with_root = os.path.join(base, "chained-root.pem")
            with open(with_root, "w") as f:
                f.write(open(chained).read() + open(certs.ca).read())
            rooted = dict(MODERN, smtpd_tls_cert_file=with_root, smtpd_tls_key_file=key)
            with fx.Postfix(base, "rooted", rooted) as pf:
                expect(c, "untrusted root", ["--mx-name", fx.Certs.NAME, f"127.0.0.1:{pf.port}"],
                       "WARNING", 1, severities={"cert.chain.untrusted_root": "warning"},
                       lacks=["cert.chain.incomplete", "cert.chain.self_signed"])
            bare = dict(MODERN, smtpd_tls_cert_file=leaf_only, smtpd_tls_key_file=key)
            with fx.Postfix(base, "bare", bare) as pf:
                target = f"127.0.0.1:{pf.port}"
                doc = expect(c, "intermediate missing", [*ca, target], "WARNING", 1,
                             severities={"cert.chain.incomplete": "warning"})
                c.eq("one certificate sent", len(doc["chain"]), 1)
                msg = [f["message"] for f in doc["findings"] if f["id"] == "cert.chain.incomplete"]
                c.true("explains the missing intermediate",
                       msg and "intermediate certificate is missing" in msg[0], str(msg))
                expect(c, "intermediate missing on submission", ["--submission", *ca, target],
                       "CRITICAL", 2, severities={"cert.chain.incomplete": "critical"})
        elif scenario == "connlimit":
            # Like Exim's smtp_accept_max: the server turns away connections
            # beyond a small limit with 421. The scan must back off and still
            # find exactly the suites of the unlimited server.
            limited = with_cert(MODERN, certs, "good")
            limited.update({"smtpd_client_connection_count_limit": "2",
                            "smtpd_client_event_limit_exceptions": ""})
            with fx.Postfix(base, "pf", limited) as pf:
                # Whether Postfix's anvil turns a probe away depends on timing ...
                expect(c, "connection limit", ["--parallel", "8", *ca, f"127.0.0.1:{pf.port}"],
                       "OK", 0, lacks=["scan.incomplete"], protocols=["TLSv1.2", "TLSv1.3"],
                       suites={"TLSv1.2": TLS12_AEAD, "TLSv1.3": TLS13})
                # ... so a relay that says 421 to every third connection makes it certain.
                with fx.RefusingProxy(pf.port) as proxy:
                    doc = expect(c, "421 every third connection",
                                 ["--parallel", "8", *ca, f"127.0.0.1:{proxy.port}"], "OK", 0,
                                 lacks=["scan.incomplete"], protocols=["TLSv1.2", "TLSv1.3"],
                                 suites={"TLSv1.2": TLS12_AEAD, "TLSv1.3": TLS13})
                    c.true("421: the relay did turn probes away", proxy.refused > 0)
                    # (the limited Postfix behind the relay may add refusals of its own)
                    c.true("421: every refusal was retried",
                           doc["scan"]["busy_retries"] >= proxy.refused,
                           f"({doc['scan']['busy_retries']} retries, {proxy.refused} refused)")
        else:
            print(f"unknown scenario {scenario}", file=sys.stderr)
            sys.exit(2)
    c.finish()


if __name__ == "__main__":
    main()
