"""What the integration tests need, and what happens when it is missing.

They need root (Postfix starts as root), the Debian packages postfix, swaks,
gnupg and notmuch (the Sendmail tests name their own list instead of
postfix: m4, util-linux, ...; see test_sendmail.py), and the two built binaries, passed in by CTest through
MAILVEIL_BIN and MAILVEIL_FILTER_BIN; MAILVEIL_IT_SCRATCH names the folder in
the build tree the tests work in.

When something is missing:
 * with CI=true the test FAILS, naming what is missing (CI must never pass
   by skipping);
 * otherwise it is skipped with unittest's skip, and CTest reports it as
   "Not Run / Skipped" (SKIP_REGULAR_EXPRESSION in CMakeLists.txt), never as
   passed.
"""

import os
import pwd
import shutil
import unittest

COMMANDS = ("postfix", "postqueue", "sendmail", "swaks", "gpg", "gpgconf", "notmuch")
SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/bin", "/sbin"])
HERE = os.path.dirname(os.path.abspath(__file__))


def in_ci():
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def binary(variable):
    """The path CTest passed in variable ('' when unset)."""
    return os.environ.get(variable, "")


def scratch_root():
    """The work folder: $MAILVEIL_IT_SCRATCH, else tests/integration/.scratch."""
    return os.environ.get("MAILVEIL_IT_SCRATCH") or os.path.join(HERE, ".scratch")


def scratch_folder(prefix, test_method_name):
    """The work folder of one test: prefix + its name without "test_", so
    tests running at the same time never share one."""
    return os.path.join(scratch_root(), prefix + test_method_name.removeprefix("test_"))


def problems(commands=COMMANDS, packages="postfix swaks gnupg notmuch"):
    """Everything that stops the tests from running here, as readable lines.

    commands: the programs the tests run (default: the Postfix tests' ones);
    packages: what to apt-get install for them, named in the message. The
    'postfix' user is checked only when commands include postfix.
    """
    found = []
    if os.geteuid() != 0:
        found.append("not running as root (the MTA needs it)")
    for command in commands:
        if shutil.which(command, path=SEARCH_PATH) is None:
            found.append("command %r not found (apt-get install %s)" % (command, packages))
    if "postfix" in commands:
        try:
            pwd.getpwnam("postfix")
        except KeyError:
            found.append("no 'postfix' user (the postfix package is not installed)")
    for variable in ("MAILVEIL_BIN", "MAILVEIL_FILTER_BIN"):
        path = binary(variable)
        if not path or not os.access(path, os.X_OK):
            found.append("%s=%r is not an executable (run through ctest)" % (variable, path))
    return found


def require(commands=COMMANDS, packages="postfix swaks gnupg notmuch"):
    """Fails (CI=true) or skips (elsewhere) unless everything needed is here."""
    missing = problems(commands, packages)
    if not missing:
        os.environ["PATH"] = SEARCH_PATH
        return
    report_missing(missing)


def report_missing(missing):
    """Fails (CI=true) or skips (elsewhere), naming each missing thing."""
    text = "integration prerequisites missing: " + "; ".join(missing)
    if in_ci():
        raise AssertionError(text + " -- CI=true, so this is a failure, not a skip")
    raise unittest.SkipTest(text)
