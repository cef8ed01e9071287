#!/usr/bin/python3
"""bench.py - how long a full check of a loopback Postfix takes, against the
independent scanners on the same server.

usage: bench.py MAILVEIL_TLSCHECK [--runs N] [--no-testssl]

Starts a private Postfix on 127.0.0.1 with Postfix's default suites (the
broad list: 4 protocol versions, ~90 suite/version pairs) and times
  mailveil-tlscheck (full check, N runs, median and max),
  sslscan --starttls-smtp (one run),
  testssl --starttls smtp --jsonfile (one full run; minutes).
Prints a Markdown table. Needs root and the packages of
scripts/deps/tlscheck.txt.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "tlscheck"))
import tlsfixture as fx  # noqa: E402


def timed(cmd, **kw):
    start = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    return time.monotonic() - start, r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-testssl", action="store_true")
    a = ap.parse_args()
    fx.need_root()
    rows = []
    with fx.tempdir("tlscheck-bench") as base:
        certs = fx.Certs(base)
        settings = {"smtpd_tls_security_level": "may",
                    "smtpd_tls_cert_file": certs.cert("good"),
                    "smtpd_tls_key_file": certs.key("good")}
        with fx.Postfix(base, "pf", settings) as pf:
            target = f"127.0.0.1:{pf.port}"
            times = []
            for _ in range(a.runs):
                t, r = timed([a.tool, "--json", "--ca-file", certs.ca, target])
                doc = json.loads(r.stdout)
                times.append(t)
            pairs = sum(len(v["accepted"]) for v in doc["suites"].values())
            rows.append(("mailveil-tlscheck (full check)",
                         f"{statistics.median(times):.2f} s median, {max(times):.2f} s max "
                         f"of {a.runs}", f"{doc['scan']['probes']} probes, {pairs} "
                         "suite/version pairs"))
            t, r = timed(["sslscan", "--no-colour", "--starttls-smtp", target])
            accepted = sum(1 for line in r.stdout.splitlines()
                           if line.startswith(("Accepted", "Preferred")))
            rows.append(("sslscan --starttls-smtp", f"{t:.2f} s", f"{accepted} suite/version pairs"))
            if not a.no_testssl:
                out = os.path.join(base, "testssl.json")
                t, r = timed(["testssl", "--quiet", "--color", "0", "--warnings", "off",
                              "--starttls", "smtp", "--jsonfile", out, target], timeout=900)
                rows.append(("testssl --starttls smtp (full run)", f"{t:.1f} s",
                             f"exit {r.returncode}"))
    print("| scanner | time | notes |")
    print("| --- | --- | --- |")
    for name, t, note in rows:
        print(f"| {name} | {t} | {note} |")


if __name__ == "__main__":
    main()
