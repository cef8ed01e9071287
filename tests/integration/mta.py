"""The whole mail path on loopback: keyrings, Postfix, mailveil, swaks, Maildirs.

``MailStack(root, mailveil_binary, keyed=[...], unkeyed=[...])`` lays out
everything under ``root`` (wiped first, so each run starts clean and a failed
run's files stay for inspection until the next):

    root/keys/milter/      public keys of the keyed people, used by mailveil
    root/keys/<local>/     each keyed person's own secret key
    root/postfix/          the Postfix instance (etc/, spool/, mail/, maillog)
    root/mailveil.log      the daemon's stderr
    root/outgoing/         the exact DATA handed to swaks

Unix socket paths are limited to 108 bytes: when root is so deep that
gpg-agent's or Postfix's sockets would not fit, root/keys and the Postfix
queue are links to short /tmp folders, removed again by ``stop()``.

``start()`` brings up Postfix and mailveil, ``stop()`` takes everything down
again (safe to call more than once, and after a failed start).

Options for the operations scenarios: ``mailboxes`` (more Maildirs, for
addresses nobody holds a key for by that name: role addresses, +tags),
``mailveil_settings`` as a callable (given the stack once the keys exist, so
it can write a key map with ``write_file``), ``reload_mailveil()`` (SIGHUP
with a new mailveil.conf), and ``relay=True``: a second Postfix in root/relay
without milter that relays everything to the first (``send(..., port=
stack.relay.smtp_port)``).
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import keyring
from mailveil_daemon import MailveilDaemon, ensure_run_as_user, kill_leftover
from postfix import PostfixInstance, free_port, wait_until

SWAKS_TOKENS = re.compile(rb"\\n|%(?:NEWLINE|FROM_ADDRESS|TO_ADDRESS|MESSAGEID|SWAKS_VERSION|"
                          rb"DATE|NEW_HEADERS|BODY)%")


class StackError(AssertionError):
    """A failed check whose message already carries the logs (see diagnostics())."""


class SmtpResult:
    """What swaks saw: exit status, transcript and the queue id Postfix gave."""

    def __init__(self, returncode, transcript):
        self.returncode = returncode
        self.transcript = transcript
        match = re.search(r"queued as ([0-9A-F]+)", transcript)
        self.queue_id = match.group(1) if match else None

    @property
    def replies(self):
        """The server's reply lines ('<~ ' or '<** ' prefixed in swaks output)."""
        return [line for line in self.transcript.splitlines() if re.match(r"\s*<", line)]


class MailStack:
    """Postfix + mailveil + keyrings for one test (or the demo)."""

    def __init__(self, root, mailveil_binary, keyed, unkeyed, mailveil_settings=None,
                 mailboxes=(), relay=False, unix_milter=False):
        """mailveil_settings: mailveil.conf settings for this stack ({} = defaults), or a
        callable that returns them, called with the stack once the keys exist.
        mailboxes: more addresses with a Maildir. relay: also run a relay Postfix.
        unix_milter: mailveil listens on a unix socket (the package's default)
        instead of inet:PORT@127.0.0.1; it gets umask = 000 so that Postfix's
        smtpd, another user, can connect."""
        self.root = os.path.abspath(root)
        self.mailveil_settings = (mailveil_settings if callable(mailveil_settings)
                                  else dict(mailveil_settings or {}))
        self.mailveil_binary = mailveil_binary
        self.cast = (keyed, unkeyed)
        self.mailboxes = list(mailboxes)
        self.people = {}
        self.milter_home = None
        ports = set()
        while len(ports) < 3:
            ports.add(free_port())
        self.smtp_port, self.milter_port, relay_port = sorted(ports)
        self.unix_milter = unix_milter
        self.milter_socket = None  # its path, made in start()
        self.postfix = PostfixInstance(os.path.join(self.root, "postfix"),
                                       self.smtp_port, self.milter_port)
        self.relay = RelayPostfix(os.path.join(self.root, "relay"), relay_port,
                                  self.smtp_port) if relay else None
        self.daemon = None
        self.sent = 0

    # -- life cycle -----------------------------------------------------

    def start(self):
        self._clean_leftovers()
        if self.unix_milter:
            self.milter_socket = self._milter_socket_path()
            self.postfix.milter_port = "unix:" + self.milter_socket
        self.milter_home, self.people = keyring.make_people(self._keys_root(), *self.cast)
        self.postfix.create(sorted(set(self.people) | set(self.mailboxes)))
        self.postfix.start()
        if self.relay:
            self.relay.create([])
            self.relay.start()
        settings = self.mailveil_settings
        if callable(settings):
            settings = self.mailveil_settings = dict(settings(self))
        if self.unix_milter:
            settings = dict(settings, umask="000")
        self.daemon = MailveilDaemon(self.mailveil_binary, self.milter_port,
                                     self.milter_home.path, self.log_path,
                                     self._write_mailveil_config(settings),
                                     unix_socket=self.milter_socket)
        self.daemon.start()

    def _write_mailveil_config(self, settings):
        """root/mailveil.conf with these settings; None when there are none."""
        if not settings:
            return None
        path = os.path.join(self.root, "mailveil.conf")
        self.write_file("mailveil.conf", "".join("%s = %s\n" % (key, value)
                                                 for key, value in settings.items()))
        return path

    def write_file(self, name, text):
        """Writes root/name (readable by mailveil's user); returns its path."""
        path = os.path.join(self.root, name)
        with open(path, "w") as out:
            out.write(text)
        os.chmod(path, 0o644)
        return path

    def reload_mailveil(self, settings=None, timeout=20):
        """Rewrites mailveil.conf (when settings are given) and sends SIGHUP.

        Waits for the daemon's "reloaded configuration" or "reload failed"
        line and returns it. The daemon must have been started with a
        configuration file (give the stack some mailveil_settings).
        """
        if self.daemon.config_path is None:
            raise ValueError("mailveil runs without -c: nothing to reload")
        if settings is not None:
            self._write_mailveil_config(settings)
        before = self._reload_lines()
        self.daemon.process.send_signal(signal.SIGHUP)
        if not wait_until(lambda: len(self._reload_lines()) > len(before), timeout):
            raise StackError("no reload line in mailveil's log %ds after SIGHUP\n%s"
                             % (timeout, self.diagnostics()))
        return self._reload_lines()[-1]

    def _reload_lines(self):
        return [line for line in self.daemon.log_text().splitlines()
                if "reloaded configuration" in line or "reload failed" in line]

    def _socket_folder(self, name, deepest):
        """root/name, or a link there to a short /tmp folder when root/name +
        deepest (the longest socket path inside) would not fit in a socket
        address; returns the real path. The short folder is 0755: the daemon,
        running as user mailveil, must reach inside."""
        path = os.path.join(self.root, name)
        if len(path) + len(deepest) < 100:
            return path
        short = tempfile.mkdtemp(prefix="mailveil-%s-" % name)
        os.chmod(short, 0o755)
        os.symlink(short, path)
        return os.path.realpath(path)

    def _keys_root(self):
        """Where the keyrings go (their gpg-agent sockets must fit)."""
        return self._socket_folder("keys", "/milter/S.gpg-agent.browser")

    def _milter_socket_path(self):
        """The milter's unix socket, in a folder of mailveil's user."""
        folder = self._socket_folder("milter", "/mailveil.sock")
        os.makedirs(folder, exist_ok=True)
        os.chmod(folder, 0o755)  # whatever the umask: Postfix's smtpd reaches the socket
        user = ensure_run_as_user()
        os.chown(folder, user.pw_uid, user.pw_gid)
        return os.path.join(folder, "mailveil.sock")

    @property
    def log_path(self):
        return os.path.join(self.root, "mailveil.log")

    def stop_leftovers(self):
        """Stops what an aborted earlier run in the same root left running."""
        kill_leftover(self.log_path)
        self.postfix.stop()
        if self.relay:
            self.relay.stop()
            self.relay.release_short_spool()
        self._stop_agents()
        self._release_short_paths()

    def _clean_leftovers(self):
        """stop_leftovers(), then wipes root."""
        self.stop_leftovers()
        shutil.rmtree(self.root, ignore_errors=True)
        os.makedirs(os.path.join(self.root, "outgoing"))

    def stop(self):
        """Stops mailveil, Postfix and every gpg-agent; raises only after all are stopped."""
        errors = []
        steps = [self.stop_mailveil, self.postfix.stop]
        if self.relay:
            steps.append(self.relay.stop)
        for step in steps + [self._stop_agents, self._release_short_paths]:
            try:
                step()
            except Exception as error:  # keep stopping the rest
                errors.append("%s: %s" % (step.__name__, error))
        if errors:
            raise AssertionError("while stopping: " + "; ".join(errors))

    def stop_mailveil(self):
        """Stops the daemon (SIGTERM); asserts that it exited cleanly."""
        if self.daemon is None:
            return
        status = self.daemon.stop()
        if status not in (None, 0):
            raise AssertionError("mailveil exited with status %s on SIGTERM\n%s"
                                 % (status, self.daemon.log_excerpt()))

    def start_mailveil(self):
        self.daemon.start()

    def _release_short_paths(self):
        """Removes the /tmp folders that stand in for too deep paths (links stay)."""
        self.postfix.release_short_spool()
        if self.relay:
            self.relay.release_short_spool()
        for name in ("keys", "milter"):
            path = os.path.join(self.root, name)
            if os.path.islink(path):
                shutil.rmtree(os.path.realpath(path), ignore_errors=True)

    def _stop_agents(self):
        for home in _gnupg_homes(os.path.join(self.root, "keys")):
            keyring.GnupgHome(home).stop_agent()

    # -- sending --------------------------------------------------------

    def send(self, data, recipients, sender="sender@example.net", port=None):
        """Sends data over SMTP with swaks; returns an SmtpResult (also on refusal).

        swaks turns LF into CRLF, dot-stuffs, and ends DATA with "\\r\\n.", so
        a file ending in a line end would gain an empty last line: the copy
        handed to swaks has its final line end removed, making the body
        Postfix receives exactly data's body. swaks also rewrites a few
        tokens ("\\n", %DATE%, ...); data containing them is refused here.
        port: another smtpd on 127.0.0.1 (the relay's); default this stack's.
        """
        if SWAKS_TOKENS.search(data) or data.startswith(b"From "):
            raise ValueError("message contains text swaks would rewrite")
        self.sent += 1
        path = os.path.join(self.root, "outgoing", "%02d.eml" % self.sent)
        with open(path, "wb") as out:
            out.write(re.sub(rb"\r?\n\Z", b"", data))
        command = ["swaks", "--server", "127.0.0.1:%d" % (port or self.smtp_port),
                   "--helo", "client.test",
                   "--from", sender, "--to", ",".join(recipients), "--data", "@" + path,
                   "--suppress-data", "--timeout", "60"]
        result = subprocess.run(command, capture_output=True, timeout=120)
        return SmtpResult(result.returncode,
                          (result.stdout + result.stderr).decode("utf-8", "replace"))

    def send_accepted(self, data, recipients, sender="sender@example.net", port=None):
        """send() that asserts Postfix queued the message; returns the queue id."""
        result = self.send(data, recipients, sender, port) if port else \
            self.send(data, recipients, sender)
        if result.returncode != 0 or result.queue_id is None:
            raise StackError("Postfix did not accept the message (swaks exit %d):\n%s\n%s"
                                 % (result.returncode, "\n".join(result.replies),
                                    self.diagnostics()))
        return result.queue_id

    # -- receiving ------------------------------------------------------

    def wait_for_delivery(self, address, count=1, timeout=30):
        """Polls address's Maildir until it holds count messages; returns their bytes."""
        found = wait_until(lambda: len(self.postfix.delivered_files(address)) >= count, timeout)
        paths = self.postfix.delivered_files(address)
        if not found:
            raise StackError("%d message(s) for %s after %ds, expected %d\n%s"
                                 % (len(paths), address, timeout, count, self.diagnostics()))
        return [Path(path).read_bytes() for path in paths]

    def delivered(self, address):
        return [Path(path).read_bytes() for path in self.postfix.delivered_files(address)]

    def wait_until_idle(self, timeout=30):
        """Polls until Postfix's queue is empty (everything delivered or bounced)."""
        if not wait_until(lambda: not self.postfix.queued_ids(), timeout):
            raise StackError("Postfix queue not empty after %ds:\n%s\n%s"
                                 % (timeout, self.postfix.queue_listing(), self.diagnostics()))

    def diagnostics(self):
        """Postfix's maillog tail, the queue and mailveil's log, for failure messages."""
        queue = self.postfix.queue_listing() if self.postfix.is_running() else "(postfix down)"
        log = self.daemon.log_excerpt() if self.daemon else "(mailveil never started)"
        relay = ""
        if self.relay:
            relay = ("--- relay Postfix maillog (%s, last lines) ---\n%s\n--- relay postqueue -p"
                     " ---\n%s" % (self.relay.maillog, self.relay.maillog_tail(),
                                   self.relay.queue_listing() if self.relay.is_running()
                                   else "(relay down)\n"))
        return ("--- Postfix maillog (%s, last lines) ---\n%s\n--- postqueue -p ---\n%s"
                "%s--- mailveil log (%s) ---\n%s" % (self.postfix.maillog,
                                                     self.postfix.maillog_tail(), queue, relay,
                                                     self.log_path, log))


class RelayPostfix(PostfixInstance):
    """A second Postfix on 127.0.0.1: no milter, no mailboxes, relays all mail to
    the Postfix on target_port over SMTP, as any sending MTA would. It retries
    deferred mail after a second (minimal_backoff_time), not after minutes."""

    def __init__(self, root, smtp_port, target_port):
        super().__init__(root, smtp_port, None, main_cf={
            "myhostname": "relay.mailveil.test",
            "virtual_mailbox_domains": "",
            "virtual_mailbox_maps": "",
            "relayhost": "[127.0.0.1]:%d" % target_port,
            "default_transport": "smtp",
            "queue_run_delay": "1s",
            "minimal_backoff_time": "1s",
            "maximal_backoff_time": "2s",
        })


def _gnupg_homes(keys_root):
    if not os.path.isdir(keys_root):
        return []
    return [os.path.join(keys_root, name) for name in sorted(os.listdir(keys_root))]
