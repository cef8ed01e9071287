#!/usr/bin/env python3
"""selftest.py - prove check_quality.py is not vacuous: feed it converters
that are broken on purpose (one fault each, made by editing mailveil-filter's
real output or by naive tag stripping) and check it fails exactly the measure
each fault breaks.

    selftest.py MAILVEIL_FILTER SAMPLE.html

SAMPLE must have a hidden preheader, links in the text and a reference list
(tests/data/html_quality/marketing-newsletter.html has all of them).
"""

import argparse
import os
import stat
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_quality  # noqa: E402

FAKE = r'''#!@PYTHON@
# A broken converter for selftest.py: mode in QUALITY_FAKE_MODE.
import html, os, re, subprocess, sys
mode = os.environ["QUALITY_FAKE_MODE"]
data = sys.stdin.buffer.read()
if mode == "raw":
    sys.stdout.buffer.write(data); sys.exit(0)
if mode == "strip":
    text = re.sub(r"<[^>]*>", " ", data.decode("utf-8"))
    text = html.unescape(text)
    print("\n".join(" ".join(l.split()) for l in text.split("\n") if l.strip())); sys.exit(0)
out = subprocess.run([os.environ["QUALITY_REAL_FILTER"]] + sys.argv[1:], input=data,
                     stdout=subprocess.PIPE, check=True).stdout.decode("utf-8")
body, sep, refs = out.partition("\n[1] ")
refs = sep.lstrip("\n") + refs
if mode == "identity":
    pass
elif mode == "brokenurl":
    refs = re.sub(r"(https?://\S{10})(\S{10,})", r"\1\n\2", refs)
elif mode == "reverse":
    body = "\n\n".join(reversed(body.strip("\n").split("\n\n"))) + "\n\n"
elif mode == "drop":
    n = [0]
    def drop(m):
        n[0] += 1
        return "" if n[0] % 4 == 0 else m.group(0)
    body = re.sub(r"(?<![\w.@/-])[A-Za-z]{3,}(?![\w.@/-])", drop, body)
elif mode == "entity":
    body = body.replace(" ", "&nbsp;", 1)
elif mode == "tag":
    body = "<br/>" + body
elif mode == "css":
    body = body + "\n.wrapper { width:100% !important; }\n\n"
elif mode == "hidden":
    body = body + "\nThree-season tents, trail shoes and stoves, this weekend only\n\n"
elif mode == "filler":
    body = body.replace("\n", " \u034f\u200c\u034f\u200c\n", 1)
elif mode == "wide":
    lines = body.split("\n")
    i = max(range(len(lines)), key=lambda k: len(lines[k]) + len(lines[k + 1]) if k + 1 < len(lines) else 0)
    lines[i:i + 2] = [lines[i] + " " + lines[i + 1]]
    body = "\n".join(lines)
elif mode == "ctrl":
    body = body.replace("\u2019", "\x92").replace("\u2014", "\x97").replace("o", "o\x92", 1)
out = (body + refs).encode("utf-8")
if mode == "badutf8":
    out = out.replace(b"e", b"\xff", 1)
sys.stdout.buffer.write(out)
'''

# mode -> exactly the measures that must fail (None: at least these)
CASES = {
    "identity": set(),
    "brokenurl": {"links"},
    "reverse": {"order"},
    "drop": {"recall", "order"},
    "entity": {"leftover"},
    "tag": {"leftover"},
    "css": {"leftover"},
    "hidden": {"leftover"},
    "filler": {"leftover"},
    "wide": {"width"},
    "ctrl": {"utf8"},
    "badutf8": {"utf8"},
}
AT_LEAST = {
    "raw": {"leftover", "links", "width"},
    "strip": {"leftover", "links"},
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("filter")
    ap.add_argument("sample")
    a = ap.parse_args()
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        fake = os.path.join(tmp, "fake-filter")
        with open(fake, "w") as f:
            f.write(FAKE.replace("@PYTHON@", sys.executable))
        os.chmod(fake, stat.S_IRWXU)
        os.environ["QUALITY_REAL_FILTER"] = os.path.abspath(a.filter)
        args = argparse.Namespace(filter=fake, width=None, max_columns=78, min_recall=0.95,
                                  min_order=0.90, max_details=3, timeout=60)
        for mode, want in list(CASES.items()) + list(AT_LEAST.items()):
            os.environ["QUALITY_FAKE_MODE"] = mode
            r = check_quality.check_file(a.sample, args)
            got = set(r.failed)
            exact = mode in CASES
            ok = (got == want) if exact else want <= got
            failures += not ok
            print("%-4s %-10s fails %-28s %s %s" % (
                "ok" if ok else "BAD", mode, ",".join(sorted(got)) or "nothing",
                "wanted" if exact else "wanted at least", ",".join(sorted(want)) or "nothing"))
            if not ok or r.error:
                for n in ([r.error] if r.error else []) + r.notes:
                    print("       " + n)
    print("selftest: %d of %d broken converters judged as expected"
          % (len(CASES) + len(AT_LEAST) - failures, len(CASES) + len(AT_LEAST)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
