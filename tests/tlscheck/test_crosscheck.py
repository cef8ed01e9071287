#!/usr/bin/python3
"""test_crosscheck - mailveil-tlscheck and sslscan must agree.

usage: test_crosscheck.py postfix|weak|exim

postfix: a Postfix with its default (broad) suite list and TLS 1.0 enabled,
         scanned with `sslscan --starttls-smtp`;
weak:    gnutls-serv with a permissive priority string that offers RC4 and
         3DES on implicit TLS, scanned with plain `sslscan`; mailveil-tlscheck
         must flag RC4 (critical) and 3DES (warning) and exit 2.
exim:    Exim (Debian's GnuTLS build, unpacked from the archive) with RC4 and
         3DES in tls_require_ciphers and its default connection limit, over
         STARTTLS: same flags, a scan that backs off instead of missing
         suites, and the --exim audit read through `exim -bP`.
All compare the accepted protocol versions and the accepted TLS 1.2 suites
(by code, sslscan --show-cipher-ids).
"""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlsfixture as fx  # noqa: E402


def sslscan(args):
    r = subprocess.run(["sslscan", "--no-colour", "--show-cipher-ids", *args],
                       capture_output=True, text=True, timeout=120)
    protocols = sorted(m.group(1) for m in
                       re.finditer(r"^(SSLv3|TLSv1\.[0-3])\s+enabled", r.stdout, re.M))
    tls12 = sorted({"0x%04X" % int(m.group(1), 16) for m in
                    re.finditer(r"^(?:Accepted|Preferred)\s+TLSv1\.2\s+\d+ bits\s+0x([0-9A-Fa-f]+)",
                                r.stdout, re.M)})
    return protocols, tls12, r.stdout


def compare(c, label, doc, scan):
    protocols, tls12, raw = scan
    c.true(f"{label}: sslscan found TLS 1.2 suites", len(tls12) > 0, raw[-1500:])
    c.eq(f"{label}: protocols agree", fx.accepted_protocols(doc), protocols)
    ours = fx.suite_codes(doc, "TLSv1.2")
    c.eq(f"{label}: TLS 1.2 suites agree", ours, tls12)


def main():
    which = sys.argv[1]
    fx.need_programs("sslscan", "openssl")
    c = fx.Checker(f"crosscheck.{which}")
    with fx.tempdir(f"tlscheck-x-{which}") as base:
        certs = fx.Certs(base)
        if which == "postfix":
            fx.need_root()
            fx.need_programs("postfix")
            settings = {"smtpd_tls_security_level": "may",
                        "smtpd_tls_cert_file": certs.cert("good"),
                        "smtpd_tls_key_file": certs.key("good")}
            with fx.Postfix(base, "pf", settings) as pf:
                target = f"127.0.0.1:{pf.port}"
                code, doc = fx.check_json("--ca-file", certs.ca, target)
                compare(c, "postfix", doc, sslscan(["--starttls-smtp", target]))
                c.true("postfix: many suites", len(fx.suite_codes(doc, "TLSv1.2")) > 20)
        elif which == "weak":
            fx.need_programs("gnutls-serv")
            with fx.GnutlsServ(base, certs.cert("good"), certs.key("good")) as srv:
                target = f"127.0.0.1:{srv.port}"
                # gnutls-serv speaks no SMTP: the banner inside TLS times out (a finding).
                code, doc = fx.check_json("--smtps", "--timeout", "2", "--ca-file", certs.ca,
                                          target)
                compare(c, "weak", doc, sslscan([target]))
                c.eq("weak: exit", code, 2)
                sev = {f["id"]: f["severity"] for f in doc["findings"]}
                c.eq("weak: RC4 flagged", sev.get("tls.suite.rc4"), "critical")
                c.eq("weak: 3DES flagged", sev.get("tls.suite.3des"), "warning")
                codes = fx.suite_codes(doc, "TLSv1.2")
                c.true("weak: RSA RC4 and 3DES suites seen",
                       "0x0005" in codes and "0x000A" in codes, str(codes))
                rc4 = next(f for f in doc["findings"] if f["id"] == "tls.suite.rc4")
                c.true("weak: evidence names the suite",
                       "TLS_RSA_WITH_RC4_128_SHA" in rc4["evidence"], rc4["evidence"])
        elif which == "exim":
            fx.need_root()
            exim = fx.Exim(base, certs.cert("good"), certs.key("good"), fx.GnutlsServ.PRIORITY)
            with exim:
                target = f"127.0.0.1:{exim.port}"
                code, doc = fx.check_json("--parallel", "8", "--ca-file", certs.ca, "--mx-name",
                                          fx.Certs.NAME, f"--exim={exim.wrapper}", target)
                # sslscan has no back-off: pace it so Exim's limit does not truncate it.
                compare(c, "exim", doc,
                        sslscan(["--sleep=30", "--starttls-smtp", target]))
                c.eq("exim: exit", code, 2)
                c.true("exim: banner", "Exim" in (doc["smtp"]["banner"] or ""))
                sev = {f["id"]: f["severity"] for f in doc["findings"]}
                c.eq("exim: RC4 flagged", sev.get("tls.suite.rc4"), "critical")
                c.eq("exim: 3DES flagged", sev.get("tls.suite.3des"), "warning")
                c.eq("exim: scan complete", sev.get("scan.incomplete"), None)
                c.eq("exim audit: weak tls_require_ciphers", sev.get("exim.tls.weak_ciphers"),
                     "warning")
                settings = doc["audits"][0]["settings"]
                c.eq("exim audit: tls_advertise_hosts", settings.get("tls_advertise_hosts"), "*")
    c.finish()


if __name__ == "__main__":
    main()
