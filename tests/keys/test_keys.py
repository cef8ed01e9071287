"""mailveil-keys against real GnuPG keyrings made at test time.

The binary comes from CTest (MAILVEIL_KEYS_BIN); keys from key_cast.py. Every
test writes its own mailveil.conf (keyring, user, policy files) into a fresh
folder under MAILVEIL_KEYS_SCRATCH and judges the tool by its exit code, its
output and, independently, by gpg listing the keyring afterwards.

Run as root, the tool switches to the configured user: the tests then set
``user = mailveil`` (created like the integration tests do) and check that the
keyring's files are that user's. Without root the ownership test fails under
CI=true and is skipped elsewhere; the others run as the caller.

    MAILVEIL_KEYS_BIN=build/keys/mailveil-keys python3 -m unittest -v test_keys
"""

import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

import prerequisites  # noqa: E402
from key_cast import make_cast  # noqa: E402

RUN_AS = "mailveil"
_cast = None


def cast(root):
    """The test keys, generated once per process."""
    global _cast
    if _cast is None:
        homes = tempfile.mkdtemp(prefix="cast-", dir=root)  # CTest may run several at once
        atexit.register(shutil.rmtree, homes, True)
        _cast = make_cast(homes)
    return _cast


def scratch_root():
    root = os.environ.get("MAILVEIL_KEYS_SCRATCH") or os.path.join(HERE, ".scratch")
    os.makedirs(root, exist_ok=True)
    os.chmod(root, 0o755)
    return root


def run_as_user():
    """The passwd entry the tool switches to when root (created if missing)."""
    import mailveil_daemon  # creates the user as the integration tests do
    return mailveil_daemon.ensure_run_as_user()


def agents_for(home):
    """Pids of gpg-agent processes started for this home."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as cmdline:
                words = cmdline.read().split(b"\0")
        except OSError:
            continue
        if words and os.path.basename(words[0]) == b"gpg-agent" and \
                os.fsencode(home) in words:
            found.append(int(pid))
    return found


class KeysTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        missing = []
        binary = os.environ.get("MAILVEIL_KEYS_BIN", "")
        if not os.access(binary, os.X_OK):
            missing.append("MAILVEIL_KEYS_BIN=%r is not an executable (run through ctest)"
                           % binary)
        for command in ("gpg", "gpgconf"):
            if shutil.which(command) is None:
                missing.append("command %r not found (apt-get install gnupg)" % command)
        if missing:
            prerequisites.report_missing(missing)
        cls.binary = binary
        cls.keys = cast(scratch_root())

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix=self.id().rsplit(".", 1)[-1] + "-",
                                    dir=scratch_root())
        os.chmod(self.dir, 0o755)
        self.keyring = os.path.join(self.dir, "gnupg")
        self.owner = run_as_user() if os.geteuid() == 0 else None
        self.settings = {"keyring": self.keyring}
        if self.owner:
            self.settings["user"] = RUN_AS
        self.write_config()

    def tearDown(self):
        for pid in agents_for(self.keyring):
            self.fail("gpg-agent %d left running for %s" % (pid, self.keyring))
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- helpers -------------------------------------------------------------

    def write_config(self, **settings):
        self.settings.update(settings)
        self.config = os.path.join(self.dir, "mailveil.conf")
        with open(self.config, "w") as conf:
            for key, value in self.settings.items():
                conf.write("%s = %s\n" % (key, value))

    def write_file(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as out:
            out.write(text)
        return path

    def keys_tool(self, *args, input=None, config=None):
        """Runs mailveil-keys; returns (exit code, stdout, stderr) as text."""
        result = subprocess.run([self.binary, "-c", config or self.config] + list(args),
                                input=input, capture_output=True, timeout=60)
        return (result.returncode, result.stdout.decode("utf-8", "replace"),
                result.stderr.decode("utf-8", "replace"))

    def import_keys(self, *names):
        data = b"".join(self.keys[name].public for name in names)
        code, out, err = self.keys_tool("import", "-", input=data)
        self.assertEqual(code, 0, out + err)
        return out

    def gpg_fingerprints(self, secret=False):
        """The keyring's fingerprints as gpg itself lists them, as its owner."""
        command = ["gpg", "--homedir", self.keyring, "--batch", "--with-colons",
                   "--list-secret-keys" if secret else "--list-keys"]
        owner = {"user": self.owner.pw_uid, "group": self.owner.pw_gid} if self.owner else {}
        result = subprocess.run(command, capture_output=True, timeout=60, **owner)
        subprocess.run(["gpgconf", "--homedir", self.keyring, "--kill", "all"],
                       capture_output=True, timeout=30, **owner)
        fingerprints = []
        previous = ""
        for line in result.stdout.decode().splitlines():
            fields = line.split(":")
            if fields[0] == "fpr" and previous in ("pub", "sec"):
                fingerprints.append(fields[9])
            previous = fields[0]
        return sorted(fingerprints)

    def listing(self):
        """{(address, fingerprint): (expires, status)} from mailveil-keys list."""
        code, out, err = self.keys_tool("list")
        self.assertEqual(code, 0, out + err)
        rows = {}
        for line in out.splitlines()[1:]:
            address, fingerprint, expires, status = re.split(r"\s+", line, maxsplit=3)
            rows[(address, fingerprint)] = (expires, status)
        return rows

    # --- import --------------------------------------------------------------

    def test_import_public_keys(self):
        alice = self.keys["alice"].fingerprint
        key_file = os.path.join(self.dir, "alice.asc")
        with open(key_file, "wb") as out:
            out.write(self.keys["alice"].public)
        code, out, err = self.keys_tool("import", key_file)
        self.assertEqual(code, 0, out + err)
        self.assertIn("imported " + alice, out)
        self.assertEqual(self.gpg_fingerprints(), [alice])
        self.assertEqual(os.stat(self.keyring).st_mode & 0o777, 0o700)

        code, out, err = self.keys_tool("import", "-", input=self.keys["alice"].public)
        self.assertEqual(code, 0, out + err)
        self.assertIn("unchanged " + alice, out)

    def test_import_refuses_secret_key_and_imports_nothing(self):
        data = self.keys["erin"].public + self.keys["alice"].secret
        code, out, err = self.keys_tool("import", "-", input=data)
        self.assertEqual(code, 1, out + err)
        self.assertIn("secret key " + self.keys["alice"].fingerprint, err)
        self.assertIn("nothing imported", err)
        self.assertEqual(self.gpg_fingerprints(), [])
        self.assertEqual(self.gpg_fingerprints(secret=True), [])

    def test_import_of_no_key_is_refused(self):
        code, out, err = self.keys_tool("import", "-", input=b"not a key\n")
        self.assertEqual(code, 1, out + err)
        self.assertIn("no OpenPGP key", err)

    # --- list ----------------------------------------------------------------

    def test_list_shows_usable_expired_and_revoked_keys(self):
        self.import_keys("alice", "erin", "rob")
        rows = self.listing()
        self.assertEqual(rows[("alice@example.org", self.keys["alice"].fingerprint)],
                         ("never", "usable"))
        self.assertEqual(rows[("erin@example.org", self.keys["erin"].fingerprint)],
                         ("2020-01-02", "not usable: expired"))
        self.assertEqual(rows[("rob@example.org", self.keys["rob"].fingerprint)],
                         ("-", "not usable: revoked"))
        self.assertEqual(len(rows), 3)

    # --- remove --------------------------------------------------------------

    def test_remove_by_address_refuses_ambiguity_unless_all(self):
        self.import_keys("alice", "dave1", "dave2")
        daves = sorted([self.keys["dave1"].fingerprint, self.keys["dave2"].fingerprint])

        code, out, err = self.keys_tool("remove", "Dave@Example.org")
        self.assertEqual(code, 1, out + err)
        self.assertIn("2 keys for Dave@Example.org", err)
        for fingerprint in daves:
            self.assertIn(fingerprint, err)
        self.assertEqual(len(self.gpg_fingerprints()), 3)

        code, out, err = self.keys_tool("remove", "--all", "dave@example.org")
        self.assertEqual(code, 0, out + err)
        self.assertEqual(self.gpg_fingerprints(), [self.keys["alice"].fingerprint])

        code, out, err = self.keys_tool("remove", "alice@example.org")
        self.assertEqual(code, 0, out + err)
        self.assertIn("removed " + self.keys["alice"].fingerprint, out)
        self.assertEqual(self.gpg_fingerprints(), [])

    def test_remove_by_fingerprint(self):
        self.import_keys("dave1", "dave2", "rob")
        dave1 = self.keys["dave1"].fingerprint
        grouped = " ".join(dave1[i:i + 4] for i in range(0, 40, 4)).lower()
        code, out, err = self.keys_tool("remove", grouped)
        self.assertEqual(code, 0, out + err)
        self.assertIn("removed " + dave1, out)
        self.assertEqual(self.gpg_fingerprints(),
                         sorted([self.keys["dave2"].fingerprint, self.keys["rob"].fingerprint]))

        code, out, err = self.keys_tool("remove", "rob@example.org")  # revoked: still found
        self.assertEqual(code, 0, out + err)

        code, out, err = self.keys_tool("remove", dave1)
        self.assertEqual(code, 1, out + err)
        self.assertIn("no key with fingerprint " + dave1, err)
        code, out, err = self.keys_tool("remove", "nobody@example.org")
        self.assertEqual(code, 1, out + err)
        self.assertIn("no key for nobody@example.org", err)
        self.assertEqual(self.gpg_fingerprints(), [self.keys["dave2"].fingerprint])

    # --- check ---------------------------------------------------------------

    def check(self, address, expected_code):
        code, out, err = self.keys_tool("check", address)
        self.assertEqual(code, expected_code, out + err)
        return dict(re.match(r"(\w*):\s*(.*)", line).groups() for line in out.splitlines()
                    if re.match(r"\w+:", line))

    def test_check_opportunistic_with_and_without_key(self):
        self.import_keys("alice", "erin")
        report = self.check("<alice@example.org>", 0)
        self.assertEqual(report["recipient"], "alice@example.org")
        self.assertIn("opportunistic", report["rule"])
        self.assertEqual(report["key"], self.keys["alice"].fingerprint + ", expires never")
        self.assertTrue(report["outcome"].startswith("encrypt"), report)

        report = self.check("carol@example.org", 1)
        self.assertIn("no key in %s has a user ID carol@example.org" % self.keyring,
                      report["key"])
        self.assertIn("pass in plaintext", report["outcome"])
        self.assertIn("reason=no-key", report["outcome"])

        report = self.check("erin@example.org", 1)
        self.assertEqual(report["key"], "none usable: %s not usable: expired"
                         % self.keys["erin"].fingerprint)

    def test_check_never_rule(self):
        self.import_keys("alice")
        rules = self.write_file("rules", "# who gets what\n@example.net require\n"
                                "Alice@example.org never\n* opportunistic\n")
        self.write_config(recipient_rules=rules)
        report = self.check("alice@example.org", 1)
        self.assertEqual(report["rule"], "never (%s:3: Alice@example.org never)" % rules)
        self.assertIn("not looked up", report["key"])
        self.assertIn("reason=rule", report["outcome"])

    def test_check_require_without_key_is_refused_at_rcpt(self):
        self.import_keys("alice")
        rules = self.write_file("rules", "@example.net require\n")
        self.write_config(recipient_rules=rules)
        report = self.check("bob@example.net", 3)
        self.assertEqual(report["rule"], "require (%s:1: @example.net require)" % rules)
        self.assertIn("refused at RCPT: 550 5.7.1", report["outcome"])

        self.write_config(require_reply="defer")
        report = self.check("bob@example.net", 3)
        self.assertIn("refused at RCPT: 450 4.7.1", report["outcome"])

        report = self.check("alice@example.org", 0)  # the default for everyone else
        self.assertIn("no line of %s matches" % rules, report["rule"])

    def test_check_key_map_alias_and_delimiter(self):
        self.import_keys("alice", "dave1")
        alice = self.keys["alice"].fingerprint
        key_map = self.write_file("key_map", "postmaster@example.org %s\n" % alice)
        self.write_config(key_map=key_map, recipient_delimiter="+")

        report = self.check("postmaster+abuse@example.org", 0)
        self.assertIn("also looked up as postmaster@example.org", report["delimiter"])
        self.assertEqual(report["key_map"], "postmaster@example.org -> " + alice)
        self.assertEqual(report["key"], alice + ", expires never")

        report = self.check("dave+lists@example.org", 0)
        self.assertEqual(report["key_map"], "no entry")
        self.assertEqual(report["key"], self.keys["dave1"].fingerprint + ", expires never")

        self.write_config(recipient_delimiter="")
        report = self.check("dave+lists@example.org", 1)
        self.assertNotIn("delimiter", report)

    # --- ownership and errors ----------------------------------------------

    def test_root_imports_as_the_configured_user(self):
        if os.geteuid() != 0:
            prerequisites.report_missing(["not running as root (the ownership test needs it)"])
        self.assertFalse(os.path.exists(self.keyring))
        self.import_keys("alice")
        self.assertEqual(os.stat(self.keyring).st_mode & 0o777, 0o700)
        for directory, dirs, files in os.walk(self.keyring):
            for name in [directory] + [os.path.join(directory, f) for f in dirs + files]:
                info = os.lstat(name)
                self.assertEqual((info.st_uid, info.st_gid),
                                 (self.owner.pw_uid, self.owner.pw_gid), name)
        self.assertEqual(self.gpg_fingerprints(), [self.keys["alice"].fingerprint])

    def test_errors_are_reported_clearly(self):
        code, out, err = self.keys_tool("list")
        self.assertEqual(code, 2, out + err)
        self.assertIn("keyring %s is not a directory" % self.keyring, err)

        bad = self.write_file("bad.conf", "keyring = %s\nno_such_setting = 1\n" % self.keyring)
        code, out, err = self.keys_tool("list", config=bad)
        self.assertEqual(code, 2, out + err)
        self.assertIn("configuration: %s:2" % bad, err)

        code, out, err = self.keys_tool("frobnicate")
        self.assertEqual(code, 2, out + err)
        self.assertIn("unknown command", err)

        code, out, err = self.keys_tool("import", os.path.join(self.dir, "missing.asc"))
        self.assertEqual(code, 2, out + err)
        self.assertIn("cannot read", err)

        if self.owner:  # a keyring root made by hand: the run-as user cannot read it
            os.mkdir(self.keyring, 0o700)
            code, out, err = self.keys_tool("list")
            self.assertEqual(code, 2, out + err)
            self.assertIn("not readable by user %s" % RUN_AS, err)
            self.assertIn("chown -R %s %s" % (RUN_AS, self.keyring), err)


if __name__ == "__main__":
    unittest.main()
