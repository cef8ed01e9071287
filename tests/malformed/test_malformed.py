"""Malformed messages through mailveil-filter: processed or refused, never a crash.

Each case of malformed_messages.py goes through the filter three ways:
  keyed             to bob@example.org, who has a key: encryption, with the
                    default HTML step for encrypted mail (text);
  keyed-alternative the same with --html alternative --flowed;
  unkeyed-text      to nobody@example.net, no key: passed, with --html text
                    so the HTML step runs on mail that stays plain.
Every run must end in one of two ways:
  processed  exit 0; the output parses as a message; a keyed run's output is
             PGP/MIME and decrypts with bob's key to a payload that still
             holds the case's marker text, an unkeyed run's output holds it;
  refused    exit 75 (EX_TEMPFAIL) or 65 (EX_DATAERR, a message the core
             cannot read: the milter tempfails those), nothing on stdout and
             one "mailveil-filter: ..." reason on stderr.
A signal (crash, abort, the CPU guard) fails the test. EXPECTED pins which
way each case goes, so a change in behaviour shows.

Bounds, measured on the child with wait4 (gpg, its child, included):
  CPU      user + system under 1 s for inputs under 1 MiB;
  memory   peak RSS under 64 MiB + 4 x the input size, with RLIMIT_AS at
           1 GiB + 16 x the input as a guard and RLIMIT_CPU at 60 s.
A sanitizer build (libasan linked) runs slower and bigger by design: there
the bounds are printed but not asserted, and no RLIMIT_AS is set (ASan
reserves terabytes of address space).

Each run prints "RESULT case variant outcome cpu_s rss_mib" for the README.
MAILVEIL_FILTER_BIN names the binary (CTest passes it).
"""

import email.parser
import email.policy
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

import keyring  # noqa: E402  (the integration tests' GnuPG helper)

# email walks nested parts recursively: 1,000 levels need more than the default.
sys.setrecursionlimit(20000)
from malformed_messages import CASES, MARKER  # noqa: E402

EX_OK, EX_DATAERR, EX_TEMPFAIL = 0, 65, 75
MIB = 1024 * 1024
CPU_LIMIT_S = 1.0
KEYED, UNKEYED = "bob@example.org", "nobody@example.net"

VARIANTS = {
    "keyed": ([KEYED], []),
    "keyed-alternative": ([KEYED], ["--html", "alternative", "--flowed"]),
    "unkeyed-text": ([UNKEYED], ["--html", "text"]),
}

# How each case ends, per variant ("processed" unless listed).
EXPECTED = {
    # More than 10,000 MIME delimiter lines: refused before GMime parses it
    # (mime/delimiter_census.h), whoever the recipient.
    "parts_100000": {variant: "refused" for variant in VARIANTS},
    # A header section over 1 MB: refused before GMime parses it (its header
    # buffer grows in small steps: quadratic where realloc copies, as under
    # ASan); MTAs never pass such headers (Postfix: 100 kB per field).
    "header_5mb": {variant: "refused" for variant in VARIANTS},
    # Lone CRs: GMime reads the whole message as one From field, which would
    # stay outside the encryption; refused when encrypting, passed otherwise.
    "bare_cr": {"keyed": "refused", "keyed-alternative": "refused",
                "unkeyed-text": "processed"},
}


def expected(name, variant):
    return EXPECTED.get(name, {}).get(variant, "processed")


def rss_bound(size):
    return 64 * MIB + 4 * size


def sanitized(binary):
    listing = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
    return "libasan" in listing or "libubsan" in listing


class Run:
    """One finished filter run: exit status, output and the child's usage."""

    def __init__(self, status, usage, stdout, stderr):
        self.signal = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        self.code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        self.cpu = usage.ru_utime + usage.ru_stime
        self.rss = usage.ru_maxrss * 1024  # Linux reports KiB
        self.stdout = stdout
        self.stderr = stderr

    @property
    def outcome(self):
        if self.signal is not None:
            return "signal %d" % self.signal
        return {EX_OK: "processed", EX_TEMPFAIL: "refused", EX_DATAERR: "refused"}.get(
            self.code, "exit %s" % self.code)


def run_filter(binary, arguments, message, guard_memory):
    """Runs the filter on message; returns a Run measured with wait4."""
    address_space = 1024 * MIB + 16 * len(message)

    def limits():
        resource.setrlimit(resource.RLIMIT_CPU, (60, 60))
        if guard_memory:
            resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    with tempfile.TemporaryFile() as stdin, tempfile.TemporaryFile() as stdout, \
            tempfile.TemporaryFile() as stderr:
        stdin.write(message)
        stdin.seek(0)
        child = subprocess.Popen([binary] + arguments, stdin=stdin, stdout=stdout,
                                 stderr=stderr, preexec_fn=limits)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        return Run(status, usage, stdout.read(), stderr.read())


def holds_marker(message_bytes):
    """True when MARKER is in the bytes or in a transfer-decoded leaf part."""
    if MARKER in message_bytes:
        return True
    parsed = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(message_bytes)
    for part in parsed.walk():
        if not part.is_multipart():
            payload = part.get_payload(decode=True) or b""
            if MARKER in payload:
                return True
    return False


def setUpModule():
    global BINARY, SANITIZED, WORK, MILTER_HOME, PEOPLE
    BINARY = os.environ.get("MAILVEIL_FILTER_BIN", "")
    if not BINARY or not os.access(BINARY, os.X_OK):
        raise RuntimeError("MAILVEIL_FILTER_BIN must name the mailveil-filter binary")
    if shutil.which("gpg") is None:
        raise RuntimeError("gpg (package gnupg) is needed to make and use the test keyring")
    SANITIZED = sanitized(BINARY)
    WORK = tempfile.mkdtemp(prefix="mailveil-malformed-")
    MILTER_HOME, PEOPLE = keyring.make_people(WORK, [("Bob", KEYED)], [("Nobody", UNKEYED)])


def tearDownModule():
    MILTER_HOME.stop_agent()
    PEOPLE[KEYED].home.stop_agent()
    shutil.rmtree(WORK, ignore_errors=True)


class MalformedTest(unittest.TestCase):
    maxDiff = None

    def check_case(self, name):
        message = CASES[name]()
        for variant, (recipients, flags) in VARIANTS.items():
            arguments = ["-k", MILTER_HOME.path] + flags
            for recipient in recipients:
                arguments += ["-r", recipient]
            with self.subTest(variant=variant):
                run = run_filter(BINARY, arguments, message, guard_memory=not SANITIZED)
                print("RESULT %s %s %s %.3f %.1f" % (name, variant, run.outcome, run.cpu,
                                                    run.rss / MIB))
                sys.stdout.flush()
                self.assertIsNone(run.signal, "the filter died: %s" % run.stderr[-2000:])
                self.assertEqual(run.outcome, expected(name, variant),
                                 "exit %s: %s" % (run.code, run.stderr[-2000:]))
                if run.outcome == "processed":
                    self.check_processed(run, keyed=recipients == [KEYED])
                else:
                    self.assertEqual(run.stdout, b"")
                    self.assertRegex(run.stderr.decode("utf-8", "replace"),
                                     r"^mailveil-filter: \S")
                if not SANITIZED:
                    if len(message) < MIB:
                        self.assertLess(run.cpu, CPU_LIMIT_S)
                    self.assertLess(run.rss, rss_bound(len(message)))

    def check_processed(self, run, keyed):
        output = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(run.stdout)
        if not keyed:
            self.assertNotEqual(output.get_content_type(), "multipart/encrypted")
            self.assertTrue(holds_marker(run.stdout), "the marker text is gone")
            return
        # A keyed recipient: never plaintext, and the payload keeps the content.
        self.assertEqual(output.get_content_type(), "multipart/encrypted")
        parts = output.get_payload()
        self.assertEqual(len(parts), 2)
        armor = parts[1].get_payload(decode=True)
        self.assertIn(b"-----BEGIN PGP MESSAGE-----", armor)
        self.assertNotIn(MARKER, run.stdout)
        plaintext, _ = PEOPLE[KEYED].home.decrypt(armor)
        self.assertTrue(holds_marker(plaintext), "the decrypted payload lost the marker text")


def _add_case(name):
    setattr(MalformedTest, "test_" + name, lambda self: self.check_case(name))


for _name in CASES:
    _add_case(_name)

if __name__ == "__main__":
    unittest.main()
