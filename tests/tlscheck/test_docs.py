#!/usr/bin/python3
"""test_docs - the man page renders without warnings and documents every
finding id the code can emit (and the weakness ids of the suite table).

usage: test_docs.py SOURCE_DIR
"""

import glob
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlsfixture as fx  # noqa: E402


def main():
    src = sys.argv[1]
    c = fx.Checker("docs")
    page = os.path.join(src, "docs", "mailveil-tlscheck.1")
    fx.need_programs("groff")
    r = subprocess.run(["groff", "-man", "-ww", "-z", page], capture_output=True, text=True)
    c.eq("groff warnings", r.stderr.strip(), "")
    text = open(page).read().replace("\\-", "-").replace("\\fR", "").replace("\\fB", "")
    code = ""
    for path in glob.glob(os.path.join(src, "tlscheck", "*.cpp")):
        code += open(path).read()
    ids = set(re.findall(r'\badd\(\s*"([a-z0-9_.]+)"', code))
    c.true("found finding ids in the code", len(ids) > 30, str(len(ids)))
    for i in sorted(ids):
        c.true(f"man page documents {i}", i in text)
    for w in re.findall(r'\{Weakness::\w+, "(\w+)"', code):
        c.true(f"man page documents tls.suite.{w}", f"tls.suite.{w}" in text or f".{w}" in text)
    for name in ("smtpd_tls_ciphers", "smtpd_tls_mandatory_ciphers"):
        c.true(f"man page documents postfix.tls.{name}", f"postfix.tls.{name}" in text)
    c.finish()


if __name__ == "__main__":
    main()
