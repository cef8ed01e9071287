"""Runs the mailveil milter daemon in the foreground and reads its log.

``mailveil -f -p inet:PORT@127.0.0.1 -k GNUPGHOME -u mailveil`` logs one line per message
to stderr, e.g. ``queue_id=4F2A1 decision=encrypted rcpts=1 keys=FPR``. The
daemon's stdout and stderr go to one log file (appended to, so a restart keeps
the earlier lines); ``decisions()`` parses the decision lines from it.
"""

import os
import pwd
import re
import signal
import socket
import subprocess
from pathlib import Path

from postfix import port_accepts, wait_until


RUN_AS_USER = "mailveil"


def ensure_run_as_user():
    """The unprivileged user mailveil drops to (it refuses to run as root).

    Created as a system user when missing, as the Debian package does. The
    Postfix and Sendmail tests may run at once: when useradd fails because the
    other one is creating the user (it holds /etc/passwd's lock), the user
    that one creates is taken.
    """
    user = _user(RUN_AS_USER)
    if user:
        return user
    result = subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir",
                             "/nonexistent", "--shell", "/usr/sbin/nologin", RUN_AS_USER],
                            capture_output=True)
    user = wait_until(lambda: _user(RUN_AS_USER), 0 if result.returncode == 0 else 10)
    if not user:
        raise AssertionError("useradd %s failed (exit %d): %s" % (
            RUN_AS_USER, result.returncode, result.stderr.decode(errors="replace")))
    return user


def _user(name):
    """The passwd entry of name, or None."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None


def hand_keyring_to(user, gnupg_home):
    """chown -R: GnuPG writes lock files into its home as the daemon's user.

    A gpg still running for a daemon just killed creates and removes its lock
    files while the walk goes on: one gone before its chown is no error."""
    for directory, dirs, files in os.walk(gnupg_home):
        for name in [directory] + [os.path.join(directory, f) for f in dirs + files]:
            try:
                os.lchown(name, user.pw_uid, user.pw_gid)
            except FileNotFoundError:
                pass


class MailveilDaemon:
    """One mailveil process listening on 127.0.0.1:port."""

    def __init__(self, binary, port, gnupg_home, log_path, config_path=None, unix_socket=None):
        """unix_socket: listen on this path instead of 127.0.0.1:port."""
        self.binary = binary
        self.config_path = config_path
        self.port = port
        self.unix_socket = unix_socket
        self.gnupg_home = gnupg_home
        self.log_path = log_path
        self.process = None
        # run the daemon through this, e.g. ["unshare", "--mount"] (it must exec it)
        self.command_prefix = []

    @property
    def socket_spec(self):
        if self.unix_socket:
            return "unix:" + self.unix_socket
        return "inet:%d@127.0.0.1" % self.port

    def accepts(self):
        if not self.unix_socket:
            return port_accepts(self.port)
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
                client.settimeout(1)
                client.connect(self.unix_socket)
                return True
        except OSError:
            return False

    def start(self, timeout=20):
        """Starts the daemon and waits until its port accepts connections."""
        user = ensure_run_as_user()
        hand_keyring_to(user, self.gnupg_home)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command_prefix
                + [self.binary, "-f", "-p", self.socket_spec, "-k", self.gnupg_home,
                   "-u", RUN_AS_USER, "-P", ""]
                + (["-c", self.config_path] if self.config_path else []),
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        with open(self.log_path + ".pid", "w") as out:
            out.write("%d\n" % self.process.pid)

        def ready_or_dead():
            return self.process.poll() is not None or self.accepts()
        wait_until(ready_or_dead, timeout)
        if self.process.poll() is not None:
            raise AssertionError("mailveil exited at start with status %s\n--- mailveil log ---\n%s"
                                 % (self.process.returncode, self.log_excerpt()))
        if not self.accepts():
            raise AssertionError("mailveil does not accept on %s within %ds\n--- mailveil log ---\n%s"
                                 % (self.socket_spec, timeout, self.log_excerpt()))

    def stop(self, timeout=40):
        """SIGTERM, then SIGKILL if it lingers; returns the exit status (None if never started).

        The daemon gives open connections up to 30 s after SIGTERM (README,
        mailveil(8)), and libmilter's listener takes up to about 5 s to see
        the stop: waiting less would call a documented wait a hang."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError("mailveil ignored SIGTERM for %ds and was killed" % timeout)
        if os.path.exists(self.log_path + ".pid"):
            os.unlink(self.log_path + ".pid")
        return self.process.returncode

    def is_running(self):
        return self.process is not None and self.process.poll() is None

    def log_text(self):
        if not os.path.exists(self.log_path):
            return "(no mailveil log at %s)" % self.log_path
        return Path(self.log_path).read_text(errors="replace")

    def log_excerpt(self, tail=150):
        """The log for a failure message: whole when short; else every line that
        is not an info: line (warnings, errors, starts and stops) and the last
        tail lines, so that a load test's thousands of decisions do not bury it."""
        lines = self.log_text().splitlines()
        if len(lines) <= 2 * tail:
            return "\n".join(lines)
        notable = [line for line in lines[:-tail] if ": info: " not in line
                   or "listening on" in line or "stopp" in line]
        return "\n".join(notable[-tail:] + ["[... %d info lines left out ...]"
                                            % (len(lines) - tail - len(notable[-tail:]))]
                         + lines[-tail:])

    def decisions(self):
        """The decision lines of the log, each as a dict of its key=value fields."""
        return [dict((key, value.strip('"')) for key, value in
                     re.findall(r'(\w+)=("(?:[^"\\]|\\.)*"|\S*)', line))
                for line in self.log_text().splitlines() if "decision=" in line]

    def decisions_for(self, queue_id):
        return [entry for entry in self.decisions() if entry.get("queue_id") == queue_id]


def kill_leftover(log_path):
    """Ends a daemon an earlier, aborted run left behind (recorded in LOG.pid).

    Only the recorded process id is signalled, and only when it still runs the
    mailveil binary.
    """
    pid_file = log_path + ".pid"
    if not os.path.exists(pid_file):
        return
    pid = int(Path(pid_file).read_text().strip() or 0)
    os.unlink(pid_file)
    try:
        command = Path("/proc/%d/cmdline" % pid).read_bytes().split(b"\0")[0]
    except OSError:
        return
    if os.path.basename(command) == b"mailveil":
        os.kill(pid, signal.SIGKILL)
