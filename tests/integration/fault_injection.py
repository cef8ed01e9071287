"""Faults for a running mailveil daemon, kept inside its own mount namespace.

``DaemonNamespace.isolate(daemon)`` restarts a ``MailveilDaemon`` under
``unshare --mount`` (private propagation), so that what is mounted for it is
seen by nobody else: not by Postfix, not by the test's own gpg, not by other
tests. Faults are then switched on and off while the daemon runs, with
``nsenter`` into that namespace:

* ``replace_gpg(script)``: a bind mount over the gpg binary (the one GPGME
  runs, as ``gpgconf`` names it) with a script or an unusable file;
  ``restore_gpg()`` unmounts it. ``real_gpg`` is a copy of the original a
  wrapper script may exec.
* ``mount_tmpfs(path, size)`` / ``resize_tmpfs(path, size)``: a small tmpfs
  as the daemon's tmpdir, owned by its user, and more room later.

Everything goes when the daemon's process ends (the namespace dies with it),
so an aborted test leaves no mount behind.

Also here: messages with planted markers (``marked_message``) and the check
that none of them reached a log (``markers_found``).
"""

import base64
import os
import re
import secrets
import shutil
import subprocess

from mailveil_daemon import RUN_AS_USER, ensure_run_as_user


def gpg_engine_path():
    """The gpg binary GPGME runs: gpgconf's "gpg" component."""
    listing = subprocess.run(["gpgconf", "--list-components"], capture_output=True,
                             check=True, text=True).stdout
    for line in listing.splitlines():
        fields = line.split(":")
        if fields[0] == "gpg" and len(fields) >= 3:
            return fields[2]
    raise AssertionError("gpgconf names no gpg component:\n" + listing)


class DaemonNamespace:
    """The private mount namespace of one mailveil daemon, and the faults in it."""

    def __init__(self, daemon, work_dir):
        self.daemon = daemon
        self.work_dir = work_dir
        self.gpg = gpg_engine_path()
        self.real_gpg = os.path.join(work_dir, "gpg-real")
        self.gpg_replaced = False
        os.makedirs(work_dir, exist_ok=True)
        os.chmod(work_dir, 0o755)
        shutil.copy2(self.gpg, self.real_gpg)

    @classmethod
    def isolate(cls, stack):
        """Restarts the stack's daemon in a mount namespace of its own."""
        stack.stop_mailveil()
        stack.daemon.command_prefix = ["unshare", "--mount", "--propagation", "private"]
        stack.start_mailveil()
        return cls(stack.daemon, os.path.join(stack.root, "faults"))

    def run(self, *command):
        """Runs command inside the daemon's mount namespace (as root)."""
        result = subprocess.run(["nsenter", "--target", str(self.daemon.process.pid),
                                 "--mount", "--"] + list(command),
                                capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            raise AssertionError("in mailveil's namespace: %s failed (exit %d): %s"
                                 % (" ".join(command), result.returncode,
                                    result.stdout + result.stderr))
        return result.stdout

    # -- the GnuPG engine ---------------------------------------------------

    def replace_gpg(self, script, name="gpg-fault"):
        """Binds script (the file's text; executable when it starts with "#!")
        over the gpg binary, for the daemon only."""
        path = os.path.join(self.work_dir, name)
        with open(path, "w") as out:
            out.write(script)
        os.chmod(path, 0o755 if script.startswith("#!") else 0o644)
        self.restore_gpg()
        self.run("mount", "--bind", path, self.gpg)
        self.gpg_replaced = True

    def restore_gpg(self):
        if self.gpg_replaced:
            self.run("umount", "--lazy", self.gpg)  # a slow gpg may still be running
            self.gpg_replaced = False

    # -- the spool folder -------------------------------------------------

    def mount_tmpfs(self, path, size):
        """A tmpfs of size (mount's syntax: "1m") at path, owned by mailveil, 0700."""
        user = ensure_run_as_user()
        os.makedirs(path, exist_ok=True)
        self.run("mount", "-t", "tmpfs", "-o", "size=%s,mode=0700,uid=%d,gid=%d"
                 % (size, user.pw_uid, user.pw_gid), "mailveil-tmpdir", path)

    def resize_tmpfs(self, path, size):
        self.run("mount", "-o", "remount,size=%s" % size, path)

    def listing(self, path):
        """The names in path as the daemon sees it."""
        return sorted(os.listdir("/proc/%d/root%s" % (self.daemon.process.pid, path)))

    def processes_running(self, pattern):
        """How many processes of the daemon's user match pattern (pgrep -f)."""
        result = subprocess.run(["pgrep", "-c", "-u", RUN_AS_USER, "-f", pattern],
                                capture_output=True, text=True)
        return int(result.stdout.strip() or 0)

    def thread_count(self):
        with open("/proc/%d/status" % self.daemon.process.pid) as status:
            return int(re.search(r"^Threads:\s*(\d+)", status.read(), re.M).group(1))


def sleeping_gpg(real_gpg, seconds):
    """A gpg that answers only after seconds (then runs the real one)."""
    return "#!/bin/sh\nsleep %d\nexec %s \"$@\"\n" % (seconds, real_gpg)


# a gpg that never answers (exec: the alarm gpg-with-deadline sets must reach
# the process that hangs)
HUNG_GPG = "#!/bin/sh\nexec sleep 3600\n"
FAILING_GPG = "#!/bin/sh\necho 'gpg: fatal: simulated engine failure' >&2\nexit 2\n"
# a file that is there but cannot be run: what a removed or broken install looks like to exec
MISSING_GPG = "not a program\n"


# -- markers --------------------------------------------------------------

MARKER_PREFIX = "MVMARK"


def new_markers(*places):
    """One unique marker per place, e.g. {"subject": "MVMARK-subject-1a2b3c..."}."""
    return {place: "%s-%s-%s" % (MARKER_PREFIX, place, secrets.token_hex(6))
            for place in places}


def marked_message(markers, to="Bob <bob@example.org>", attachment_bytes=0):
    """A multipart message with a marker in its Subject, a header, its text,
    its HTML and an attachment's name (as far as markers has those places);
    attachment_bytes of random data make it big. CRLF line ends."""
    get = markers.get
    lines = ["From: Sender <sender@example.net>", "To: %s" % to,
             "Subject: quarterly figures %s" % get("subject", ""),
             "Date: Sun, 29 Nov 2026 09:00:00 +0000",
             "Message-ID: <%s@example.net>" % secrets.token_hex(8),
             "X-Project: %s" % get("header", "none"),
             "MIME-Version: 1.0",
             'Content-Type: multipart/mixed; boundary="=_m_"', "",
             "--=_m_", "Content-Type: text/plain; charset=us-ascii", "",
             "The figures are attached. %s" % get("body", ""),
             "Regards"]
    if "html" in markers:
        lines += ["--=_m_", "Content-Type: text/html; charset=us-ascii", "",
                  "<html><body><p>Figures: <b>%s</b></p></body></html>" % markers["html"]]
    if "attachment" in markers or attachment_bytes:
        lines += ["--=_m_", "Content-Type: application/octet-stream",
                  'Content-Disposition: attachment; filename="%s.bin"'
                  % get("attachment", "figures"),
                  "Content-Transfer-Encoding: base64", ""]
        lines += base64.encodebytes(os.urandom(attachment_bytes or 300)).decode().splitlines()
    lines += ["--=_m_--", ""]
    return "\r\n".join(lines).encode()


def markers_found(text, markers):
    """The markers (any case) that occur in text, with the place they came from."""
    lowered = text.lower()
    return sorted("%s (%s)" % (marker, place) for place, marker in markers.items()
                  if marker.lower() in lowered)
