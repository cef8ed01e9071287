#!/usr/bin/python3
"""test_audit - the --postfix and --exim configuration audits.

Postfix configurations are written to throw-away directories and read with
`postconf -c DIR` (no instance needs to run, except for the check that the
served certificate is the configured one). Exim: if it is not installed, the
audit must say so and exit 3 (UNKNOWN), never OK.
"""

import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlsfixture as fx  # noqa: E402


def config_dir(base, name, settings):
    etc = os.path.join(base, name, "etc")
    os.makedirs(etc)
    with open(os.path.join(etc, "main.cf"), "w") as f:
        f.write("compatibility_level = 3.6\n")
        for k, v in settings.items():
            f.write(f"{k} = {v}\n")
    shutil.copy("/etc/postfix/master.cf", etc)
    return etc


def main():
    fx.need_programs("postconf", "openssl")
    c = fx.Checker("audit")
    with fx.tempdir("tlscheck-audit") as base:
        certs = fx.Certs(base)
        good = {"smtpd_tls_security_level": "may",
                "smtpd_tls_cert_file": certs.cert("good"),
                "smtpd_tls_key_file": certs.key("good"),
                "smtpd_tls_mandatory_protocols": ">=TLSv1.2",
                "smtp_tls_security_level": "may",
                "smtpd_milters": "unix:/run/mailveil/mailveil.sock, unix:/run/opendkim/opendkim.sock",
                "non_smtpd_milters": "$smtpd_milters",
                "milter_default_action": "tempfail"}
        etc = config_dir(base, "good", good)
        code, doc = fx.check_json(f"--postfix={etc}")
        c.eq("good config: exit", code, 0)
        c.eq("good config: no findings", fx.finding_ids(doc), [])
        settings = doc["audits"][0]["settings"]
        c.eq("good config: reads the cert file", settings.get("smtpd_tls_cert_file"),
             certs.cert("good"))
        c.eq("good config: non_smtpd_milters expanded (postconf -x)",
             settings.get("non_smtpd_milters"), good["smtpd_milters"])

        bad = dict(good)
        bad.update({"smtpd_tls_key_file": certs.key("wronghost"),
                    "smtpd_tls_mandatory_protocols": "!SSLv2, !SSLv3",
                    "smtp_tls_security_level": "",
                    "smtpd_milters": "unix:/run/opendkim/opendkim.sock, unix:/run/mailveil/mailveil.sock",
                    "non_smtpd_milters": "",
                    "milter_default_action": "accept"})
        etc = config_dir(base, "bad", bad)
        code, doc = fx.check_json(f"--postfix={etc}")
        c.eq("bad config: exit", code, 2)
        c.eq("bad config: findings", fx.finding_ids(doc), sorted([
            "postfix.tls.key_mismatch", "postfix.tls.mandatory_protocols",
            "postfix.smtp.tls_off", "postfix.milter.order", "postfix.milter.non_smtpd",
            "postfix.milter.default_action"]))

        off = config_dir(base, "off", {"smtpd_tls_security_level": "none"})
        code, doc = fx.check_json(f"--postfix={off}")
        ids = fx.finding_ids(doc)
        c.true("TLS off: critical", code == 2 and "postfix.tls.disabled" in ids, str(ids))
        c.true("TLS off: mailveil not wired", "postfix.milter.none" in ids, str(ids))

        code, doc = fx.check_json("--postfix=/nonexistent/postfix-config")
        c.eq("missing config dir: exit", code, 3)
        c.eq("missing config dir: finding", fx.finding_ids(doc), ["postfix.audit.failed"])

        # The served certificate against the file on disk (needs a running Postfix).
        if os.geteuid() == 0 or os.environ.get("CI") == "true":
            fx.need_root()
            fx.need_programs("postfix")
            with fx.Postfix(base, "pf", {"smtpd_tls_security_level": "may",
                                         "smtpd_tls_cert_file": certs.cert("good"),
                                         "smtpd_tls_key_file": certs.key("good")}) as pf:
                target = f"127.0.0.1:{pf.port}"
                etc = config_dir(base, "same", good)
                code, doc = fx.check_json("--quick", "--ca-file", certs.ca, "--mx-name",
                                          fx.Certs.NAME, f"--postfix={etc}", target)
                c.true("served cert = configured", "postfix.tls.cert_served" in
                       fx.finding_ids(doc) and code == 0, str(doc["findings"]))
                other = dict(good)
                other.update({"smtpd_tls_cert_file": certs.cert("wronghost"),
                              "smtpd_tls_key_file": certs.key("wronghost")})
                etc = config_dir(base, "other", other)
                code, doc = fx.check_json("--quick", "--ca-file", certs.ca, "--mx-name",
                                          fx.Certs.NAME, f"--postfix={etc}", target)
                c.true("served cert != configured", "postfix.tls.cert_not_served" in
                       fx.finding_ids(doc) and code == 1, str(doc["findings"]))

        exim = shutil.which("exim4") or shutil.which("exim")
        code, doc = fx.check_json("--exim")
        if exim:
            c.true("exim: audit ran", doc["audits"] and doc["audits"][0]["mta"] == "exim")
        else:
            c.eq("exim missing: exit", code, 3)
            c.eq("exim missing: finding", fx.finding_ids(doc), ["exim.not_installed"])
    c.finish()


if __name__ == "__main__":
    main()
