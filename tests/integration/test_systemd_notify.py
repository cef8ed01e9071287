"""mailveil speaks systemd's Type=notify protocol, checked without systemd.

The test plays systemd's part: it binds a datagram socket, names it in
NOTIFY_SOCKET, starts ``mailveil -f`` (the unit's way) on a unix milter
socket and reads what arrives, with the sender's credentials (SO_PASSCRED)
as systemd's NotifyAccess=main checks them:

* READY=1 comes first, from the daemon's own pid, and by then the milter
  socket exists and accepts a connection;
* SIGHUP gives RELOADING=1 (with MONOTONIC_USEC) and then READY=1;
* SIGTERM gives STOPPING=1, and the daemon exits 0;
* a NOTIFY_SOCKET nobody listens on is logged and does not stop the daemon.

As root the daemon drops to the user mailveil (created if missing, as the
package does), so the notify datagrams must come from that uid. Needs the
built daemon (MAILVEIL_BIN, passed in by CTest) and gpg; not Postfix.
    python3 -m unittest -v test_systemd_notify
"""

import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
import unittest

import prerequisites
from keyring import GnupgHome
from mailveil_daemon import RUN_AS_USER, ensure_run_as_user, hand_keyring_to

UCRED = struct.Struct("iII")  # struct ucred: pid, uid, gid


class SystemdNotifyTest(unittest.TestCase):

    def setUp(self):
        missing = prerequisites.problems(commands=("gpg",), packages="gnupg")
        # Root is only needed to show the privilege drop; as another user the
        # daemon simply stays that user.
        missing = [line for line in missing if "not running as root" not in line]
        if missing:
            prerequisites.report_missing(missing)
        self.binary = prerequisites.binary("MAILVEIL_BIN")
        # Under /tmp, not the build tree: the dropped-to user must reach it.
        self.root = tempfile.mkdtemp(prefix="mailveil-notify-")
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        os.chmod(self.root, 0o755)
        self.keyring = os.path.join(self.root, "gnupg")
        self.milter_socket = os.path.join(self.root, "milter.sock")
        self.log_path = os.path.join(self.root, "mailveil.log")
        self.config = os.path.join(self.root, "mailveil.conf")
        with open(self.config, "w") as out:
            out.write("# empty: defaults and flags\n")
        sender = GnupgHome(os.path.join(self.root, "sender"))
        fingerprint = sender.generate_key("Bob <bob@example.org>")
        milter_keyring = GnupgHome(self.keyring)
        milter_keyring.run("--import", input=sender.export_public(fingerprint))
        sender.stop_agent()
        milter_keyring.stop_agent()
        self.expected_uid = os.geteuid()
        if os.geteuid() == 0:
            user = ensure_run_as_user()
            hand_keyring_to(user, self.keyring)
            self.expected_uid = user.pw_uid
        self.process = None
        self.addCleanup(self._stop)

    def _listen(self, name):
        path = os.path.join(self.root, name)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.addCleanup(listener.close)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        listener.bind(path)
        os.chmod(path, 0o666)  # the daemon sends after dropping root
        return listener, path

    def _start(self, notify_socket):
        environment = dict(os.environ, NOTIFY_SOCKET=notify_socket)
        self.log = open(self.log_path, "ab")
        self.addCleanup(self.log.close)
        self.process = subprocess.Popen(
            [self.binary, "-f", "-c", self.config, "-p", "unix:" + self.milter_socket,
             "-k", self.keyring, "-u", RUN_AS_USER, "-P", ""],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
            env=environment, start_new_session=True)

    def _stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def _log_text(self):
        with open(self.log_path, errors="replace") as log:
            return log.read()

    def _receive(self, listener, timeout=20):
        """The next datagram as (dict of its KEY=VALUE lines, sender pid, sender uid)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            listener.settimeout(0.2)
            try:
                data, ancillary, _, _ = listener.recvmsg(4096, socket.CMSG_SPACE(UCRED.size))
            except socket.timeout:
                if self.process.poll() is not None:
                    self.fail("mailveil exited with %s before notifying\n--- log ---\n%s"
                              % (self.process.returncode, self._log_text()))
                continue
            pid = uid = None
            for level, kind, payload in ancillary:
                if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                    pid, uid, _ = UCRED.unpack(payload[:UCRED.size])
            fields = dict(line.split("=", 1) for line in data.decode().splitlines() if "=" in line)
            return fields, pid, uid
        self.fail("no notification within %ds\n--- log ---\n%s" % (timeout, self._log_text()))

    def _milter_socket_accepts(self):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            try:
                client.connect(self.milter_socket)
                return True
            except OSError:
                return False

    def test_ready_reloading_stopping(self):
        listener, path = self._listen("notify.sock")
        self._start(path)

        ready, pid, uid = self._receive(listener)
        # Checked before anything else happens: READY=1 means "listening".
        self.assertTrue(self._milter_socket_accepts(),
                        "READY=1 arrived before the milter socket accepted connections")
        self.assertEqual(ready.get("READY"), "1", ready)
        self.assertEqual(pid, self.process.pid, "READY=1 must come from the main pid")
        self.assertEqual(uid, self.expected_uid, "sent after dropping to %s" % RUN_AS_USER)

        self.process.send_signal(signal.SIGHUP)
        reloading, pid, _ = self._receive(listener)
        self.assertEqual(reloading.get("RELOADING"), "1", reloading)
        self.assertTrue(reloading.get("MONOTONIC_USEC", "").isdigit(), reloading)
        self.assertEqual(pid, self.process.pid)
        ready_again, _, _ = self._receive(listener)
        self.assertEqual(ready_again.get("READY"), "1", ready_again)
        self.assertIn("reloaded configuration", self._log_text())
        self.assertTrue(self._milter_socket_accepts())

        self.process.send_signal(signal.SIGTERM)
        stopping, pid, _ = self._receive(listener)
        self.assertEqual(stopping.get("STOPPING"), "1", stopping)
        self.assertEqual(pid, self.process.pid)
        self.assertEqual(self.process.wait(30), 0, self._log_text())

    def test_unreachable_notify_socket_is_not_fatal(self):
        self._start(os.path.join(self.root, "nobody-listens.sock"))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and "cannot notify systemd" not in self._log_text():
            self.assertIsNone(self.process.poll(), self._log_text())
            time.sleep(0.1)
        self.assertIn("cannot notify systemd (READY=1)", self._log_text())
        self.assertTrue(self._milter_socket_accepts(), self._log_text())
        self.process.send_signal(signal.SIGTERM)
        self.assertEqual(self.process.wait(30), 0, self._log_text())


if __name__ == "__main__":
    unittest.main()
