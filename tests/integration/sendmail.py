"""A private Sendmail 8.17 on 127.0.0.1 with mailveil as its INPUT_MAIL_FILTER.

Follows shared/notes/mta-on-loopback.md ("Sendmail (8.17) beside Postfix"):
Debian's ``sendmail-bin`` and ``postfix`` conflict, so Sendmail is never
installed. ``unpacked_sendmail(cache)`` fetches the two packages with
``apt-get download sendmail-bin sendmail-cf`` and unpacks them with
``dpkg -x`` into a cache folder (once per build tree); the daemon runs from
there with a configuration made by m4 from the stock ``cf.m4``.

``SendmailInstance(root, smtp_port, milter_port, unpacked)`` lays out:

    root/sendmail.mc, sendmail.cf   the configuration (see MC_TEMPLATE)
    root/queue/                     the queue (mode 0700)
    root/mail/<local part>/         one Maildir per recipient
    root/maillog                    what Sendmail sent to syslog
    root/sendmail.out               the daemon's stdout and stderr

It offers the calls ``mta.MailStack`` makes on its MTA (create, start, stop,
is_running, delivered_files, maildir, queue_listing, queued_ids, maillog,
maillog_tail, release_short_spool), so ``SendmailStack`` is a MailStack with
Sendmail in Postfix's place.

How it runs, and why:

* Sendmail wants a fully qualified host name and otherwise sleeps 60 s: every
  sendmail process runs in a private UTS namespace named ``mta.test.example``.
* Sendmail logs only through syslog(3), to ``/dev/log``, which a container
  without a syslog daemon lacks. The daemon also gets a private mount
  namespace whose ``/dev`` is a small tmpfs: links to the real null, zero,
  random, urandom, full and tty nodes, and ``/dev/log`` linked to a datagram
  socket that a thread of the test reads into ``root/maillog``. Nothing
  outside the namespace changes.
* Local delivery: ``example.org`` is a local domain; its mailer is this file
  run as a program (``python3 sendmail.py deliver MAILROOT USER``), which
  writes the message into ``MAILROOT/USER/new/`` the Maildir way (tmp/, then
  rename) and answers EX_NOUSER (67) for anyone without a Maildir. Mailer
  flags ``lsDFMPnq`` plus ``S``: no ``w`` (no passwd lookup: the people are
  not Unix users), no ``9`` (no 7-bit to 8-bit rewriting of text parts, so
  passed mail arrives as sent), ``S`` (runs as root, writes the Maildirs).
* Any other domain goes to ``[127.0.0.1]`` port 9, where nothing listens:
  no mail leaves the machine.

Needs root, m4, unshare and mount (util-linux), and the shared libraries
sendmail-bin depends on (libwrap0, liblockfile1, libdb5.3, libldap, libsasl2).
"""

import fcntl
import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from mta import MailStack
from postfix import PostfixInstance, wait_until

HOST_NAME = "mta.test.example"
DOMAIN = "example.org"
PACKAGES = ("sendmail-bin", "sendmail-cf")
BINARY = "usr/libexec/sendmail/sendmail"
CF_M4 = "usr/share/sendmail/cf/m4/cf.m4"
DEV_NODES = ("null", "zero", "full", "random", "urandom", "tty")
EX_NOUSER, EX_TEMPFAIL = 67, 75

# The test instance's .mc. Its INPUT_MAIL_FILTER line is the one of the
# admins' example (EXAMPLE_MC), only S= pointed at the test's mailveil.
EXAMPLE_MC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                          "packaging", "examples", "sendmail-mailveil.mc")
MC_TEMPLATE = """\
divert(-1)
# written by tests/integration/sendmail.py
include(`{cf_m4}')
divert(0)dnl
OSTYPE(`linux')dnl
define(`confDOMAIN_NAME', `{host_name}')dnl
define(`confPID_FILE', `{root}/sendmail.pid')dnl
define(`QUEUE_DIR', `{root}/queue')dnl
define(`confSTATUS_FILE', `{root}/statistics')dnl
define(`confHOST_STATUS_DIRECTORY', `')dnl
define(`ALIAS_FILE', `')dnl
define(`confHELP_FILE', `')dnl
define(`confFORWARD_PATH', `')dnl
define(`confAUTH_MECHANISMS', `')dnl
define(`confDONT_PROBE_INTERFACES', `True')dnl
dnl A test machine may be busy (parallel builds): never queue or refuse for load.
define(`confQUEUE_LA', `9999')dnl
define(`confREFUSE_LA', `9999')dnl
define(`confDELAY_LA', `9999')dnl
define(`confLOG_LEVEL', `14')dnl
define(`confMILTER_LOG_LEVEL', `14')dnl
define(`_DEF_LOCAL_MAILER_FLAGS', `lsDFMq')dnl
define(`LOCAL_MAILER_FLAGS', `PnS')dnl
define(`LOCAL_MAILER_PATH', `{python}')dnl
define(`LOCAL_MAILER_ARGS', `python3 -B {mailer} deliver {mail_base} $u')dnl
define(`SMART_HOST', `[127.0.0.1]')dnl
define(`RELAY_MAILER_ARGS', `TCP $h 9')dnl
define(`ESMTP_MAILER_ARGS', `TCP $h 9')dnl
define(`SMTP_MAILER_ARGS', `TCP $h 9')dnl
FEATURE(`no_default_msa')dnl
FEATURE(`accept_unresolvable_domains')dnl
DAEMON_OPTIONS(`Port={smtp_port},Addr=127.0.0.1,Name=MTA')dnl
LOCAL_DOMAIN(`{domain}')dnl
{milter_line}
MAILER(`local')dnl
MAILER(`smtp')dnl
"""


class SendmailUnavailable(Exception):
    """Sendmail cannot be had here (download, unpacking or libraries); says why."""


def unpacked_sendmail(cache):
    """The folder with sendmail-bin and sendmail-cf unpacked; fetched on first use.

    apt-get download works as root without installing anything; when the
    package lists are missing (a fresh machine), ``apt-get update`` is run
    once and the download tried again. A lock keeps concurrent runs from
    unpacking into each other. Raises SendmailUnavailable.
    """
    os.makedirs(cache, exist_ok=True)
    with open(os.path.join(cache, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        tree = os.path.join(cache, "tree")
        if not os.access(os.path.join(tree, BINARY), os.X_OK):
            _download_and_unpack(cache, tree)
    missing = _missing_libraries(os.path.join(tree, BINARY))
    if missing:
        raise SendmailUnavailable("sendmail needs %s (apt-get install libwrap0 liblockfile1)"
                                  % ", ".join(missing))
    return tree


def _download_and_unpack(cache, tree):
    downloads = os.path.join(cache, "debs")
    shutil.rmtree(downloads, ignore_errors=True)
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(downloads)
    command = ["apt-get", "download", "-q"] + list(PACKAGES)
    result = subprocess.run(command, cwd=downloads, capture_output=True, timeout=300)
    if result.returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], capture_output=True, timeout=300)
        result = subprocess.run(command, cwd=downloads, capture_output=True, timeout=300)
    debs = sorted(glob.glob(os.path.join(downloads, "*.deb")))
    if result.returncode != 0 or len(debs) != len(PACKAGES):
        raise SendmailUnavailable("%s failed (exit %d): %s" % (
            " ".join(command), result.returncode, result.stderr.decode(errors="replace").strip()))
    partial = tree + ".partial"
    shutil.rmtree(partial, ignore_errors=True)
    for deb in debs:
        subprocess.run(["dpkg", "-x", deb, partial], check=True, capture_output=True, timeout=120)
    os.rename(partial, tree)


def example_filter_line(milter_port):
    """The example's INPUT_MAIL_FILTER line with S= set to inet:milter_port@127.0.0.1."""
    lines = [line for line in Path(EXAMPLE_MC).read_text().splitlines()
             if line.startswith("INPUT_MAIL_FILTER(")]
    if len(lines) != 1:
        raise AssertionError("%s: expected one INPUT_MAIL_FILTER line, found %d"
                             % (EXAMPLE_MC, len(lines)))
    line, count = re.subn(r"\bS=[^,']+", "S=inet:%d@127.0.0.1" % milter_port, lines[0])
    if count != 1:
        raise AssertionError("%s: no S= in %r" % (EXAMPLE_MC, lines[0]))
    return line


def _missing_libraries(binary):
    result = subprocess.run(["ldd", binary], capture_output=True, timeout=30)
    return re.findall(r"^\s*(\S+) => not found", result.stdout.decode(errors="replace"), re.M)


class SyslogReceiver:
    """Reads syslog datagrams from a unix socket into a log file, in a thread."""

    def __init__(self, socket_path, log_path):
        self.socket_path = socket_path
        self.log_path = log_path
        self._socket = None
        self._thread = None
        self._stopping = threading.Event()

    def start(self):
        if os.path.exists(self.socket_path):
            os.unlink(self.socket_path)
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.bind(self.socket_path)
        os.chmod(self.socket_path, 0o666)  # Sendmail's children may run as other users
        self._socket.settimeout(0.2)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        with open(self.log_path, "ab", buffering=0) as log:
            while not self._stopping.is_set():
                try:
                    datagram = self._socket.recv(65536)
                except socket.timeout:
                    continue
                except OSError:
                    break
                # "<22>Nov 29 04:36:58 sendmail[12816]: ..." -> without the priority
                log.write(re.sub(rb"^<\d+>", b"", datagram.rstrip(b"\0\n")) + b"\n")

    def stop(self):
        if self._thread is None:
            return
        self._stopping.set()
        self._thread.join(5)
        self._socket.close()
        self._thread = None
        if os.path.exists(self.socket_path):
            os.unlink(self.socket_path)


class SendmailInstance:
    """One Sendmail daemon under root, listening on 127.0.0.1:smtp_port."""

    def __init__(self, root, smtp_port, milter_port, unpacked):
        self.root = os.path.abspath(root)
        self.unpacked = unpacked
        self.binary = os.path.join(unpacked, BINARY)
        self.smtp_port = smtp_port
        self.milter_port = milter_port
        self.config = os.path.join(self.root, "sendmail.cf")
        self.maillog = os.path.join(self.root, "maillog")
        self.mail_base = os.path.join(self.root, "mail")
        self.process = None
        self._short_dir = None
        self.syslog = None

    # -- set-up ---------------------------------------------------------

    def create(self, addresses):
        """Writes a fresh configuration and an empty Maildir for each of addresses."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
        for sub in ("queue", "mail", "hostdev"):
            os.makedirs(os.path.join(self.root, sub))
        os.chmod(os.path.join(self.root, "queue"), 0o700)
        for address in addresses:
            for sub in ("tmp", "new", "cur"):
                os.makedirs(os.path.join(self.maildir(address), sub))
        with open(self.maillog, "w"):
            pass
        mc = MC_TEMPLATE.format(
            cf_m4=os.path.join(self.unpacked, CF_M4), host_name=HOST_NAME, root=self.root,
            python=sys.executable if os.path.isabs(sys.executable) else "/usr/bin/python3",
            mailer=os.path.abspath(__file__), mail_base=self.mail_base, domain=DOMAIN,
            smtp_port=self.smtp_port, milter_line=example_filter_line(self.milter_port))
        Path(self.root, "sendmail.mc").write_text(mc)
        result = subprocess.run(["m4", os.path.join(self.root, "sendmail.mc")],
                                capture_output=True, timeout=60)
        if result.returncode != 0:
            raise AssertionError("m4 sendmail.mc failed (exit %d):\n%s"
                                 % (result.returncode, result.stderr.decode(errors="replace")))
        Path(self.config).write_bytes(result.stdout)

    def _syslog_socket(self):
        """root/syslog.sock, or one in a short /tmp folder when root is too deep."""
        path = os.path.join(self.root, "syslog.sock")
        if len(path) < 100:
            return path
        self._short_dir = tempfile.mkdtemp(prefix="mailveil-syslog-")
        return os.path.join(self._short_dir, "syslog.sock")

    # -- running --------------------------------------------------------

    def _namespace_script(self, sendmail_args, private_dev):
        """The sh script that sets up the namespaces and execs sendmail."""
        lines = ["set -e"]
        if private_dev:
            hostdev = os.path.join(self.root, "hostdev")
            lines += ["mount --make-rprivate /",
                      "mount --rbind /dev %s" % hostdev,
                      "mount -t tmpfs -o mode=755,size=64k mailveil-dev /dev"]
            lines += ["ln -s %s/%s /dev/%s" % (hostdev, node, node) for node in DEV_NODES]
            lines.append("ln -s %s /dev/log" % self.syslog.socket_path)
        lines.append("hostname %s" % HOST_NAME)
        lines.append('exec "$0" -C %s "$@"' % self.config)
        return "\n".join(lines)

    def _command(self, args, private_dev=False):
        namespaces = ["--uts", "--mount"] if private_dev else ["--uts"]
        return (["unshare"] + namespaces + ["sh", "-c", self._namespace_script(args, private_dev),
                                            self.binary] + list(args))

    def run(self, *args, check=True):
        """Runs a one-off sendmail command (e.g. -bp) with this configuration."""
        command = self._command(args)
        result = subprocess.run(command, capture_output=True, timeout=60)
        if check and result.returncode != 0:
            raise AssertionError("sendmail %s failed (exit %d):\n%s%s\n--- maillog ---\n%s" % (
                " ".join(args), result.returncode, result.stdout.decode(errors="replace"),
                result.stderr.decode(errors="replace"), self.maillog_tail()))
        return result

    def start(self, timeout=30):
        """Starts ``sendmail -bD`` (daemon in the foreground) and waits for its port."""
        self.syslog = SyslogReceiver(self._syslog_socket(), self.maillog)
        self.syslog.start()
        with open(os.path.join(self.root, "sendmail.out"), "ab") as out:
            self.process = subprocess.Popen(self._command(["-bD"], private_dev=True),
                                            stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                            start_new_session=True)
        Path(self.root, "daemon.pid").write_text("%d\n" % self.process.pid)
        # a test connection would make Sendmail connect to mailveil, which
        # may not run yet: wait for the listening socket instead
        wait_until(lambda: self.process.poll() is not None or _listening(self.smtp_port),
                   timeout)
        if not _listening(self.smtp_port):
            raise AssertionError("Sendmail does not accept on 127.0.0.1:%d (exit status %s)\n"
                                 "--- sendmail.out ---\n%s\n--- maillog ---\n%s"
                                 % (self.smtp_port, self.process.poll(), self._output(),
                                    self.maillog_tail()))

    def is_running(self):
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout=30):
        """SIGTERM to the daemon's process group (then SIGKILL); stops the log reader.

        Without a process of its own, stops the daemon an aborted earlier run
        recorded in root/daemon.pid, if that pid still runs sendmail.
        """
        pid_file = os.path.join(self.root, "daemon.pid")
        if self.process is not None:
            pid = self.process.pid
        elif os.path.exists(pid_file):
            pid = int(Path(pid_file).read_text().strip() or 0)
            if not _runs_sendmail(pid):
                pid = None
        else:
            pid = None
        if pid:
            _signal_group(pid, signal.SIGTERM)
            if not wait_until(lambda: not _alive(pid, self.process), timeout):
                _signal_group(pid, signal.SIGKILL)
                wait_until(lambda: not _alive(pid, self.process), 5)
        if os.path.exists(pid_file):
            os.unlink(pid_file)
        self.process = None
        if self.syslog is not None:
            self.syslog.stop()
            self.syslog = None

    def release_short_spool(self):
        """Removes the short /tmp folder of the syslog socket, if one was needed."""
        if self._short_dir:
            shutil.rmtree(self._short_dir, ignore_errors=True)
            self._short_dir = None

    def _output(self):
        path = os.path.join(self.root, "sendmail.out")
        return Path(path).read_text(errors="replace") if os.path.exists(path) else ""

    # -- mail -----------------------------------------------------------

    def queue_listing(self):
        """The output of ``sendmail -bp`` (mailq)."""
        return self.run("-bp").stdout.decode(errors="replace")

    def queued_ids(self):
        """Queue ids listed by ``sendmail -bp`` (a '*' or 'X' mark dropped)."""
        return re.findall(r"^([0-9A-Za-z]{14,})[*X-]?\s", self.queue_listing(), re.M)

    def maildir(self, address):
        return os.path.join(self.mail_base, address.split("@")[0])

    # The same Maildir layout and log file as Postfix's instance.
    delivered_files = PostfixInstance.delivered_files
    maillog_tail = PostfixInstance.maillog_tail


def _listening(port):
    """True when a socket listens on 127.0.0.1:port (from /proc/net/tcp, no connection)."""
    wanted = "0100007F:%04X" % port
    with open("/proc/net/tcp") as table:
        return any(fields[1] == wanted and fields[3] == "0A"
                   for fields in (line.split() for line in table) if len(fields) > 3)


def _alive(pid, process):
    if process is not None:
        return process.poll() is None
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def _signal_group(pid, signum):
    """Signals the process group of pid (the daemon and its per-connection children)."""
    try:
        os.killpg(pid, signum)
    except ProcessLookupError:
        pass


def _runs_sendmail(pid):
    try:
        command = Path("/proc/%d/cmdline" % pid).read_bytes().split(b"\0")[0]
    except OSError:
        return False
    return b"sendmail" in os.path.basename(command) or command.startswith(b"sendmail")


def sendmail_queue_id(transcript):
    """The queue id of Sendmail's '250 2.0.0 ID Message accepted for delivery'."""
    match = re.search(r"250[ -]2\.0\.0 ([0-9A-Za-z]{14,}) Message accepted", transcript)
    return match.group(1) if match else None


def received_queue_id(delivered):
    """The queue id in the topmost Received field Sendmail added ('... with ESMTP id X')."""
    text = delivered.decode("utf-8", "replace")
    match = re.search(r"^Received: .*?\(8\.\d+\.[^)]*\)\s+with\s+\S+\s+id\s+([0-9A-Za-z]{14,})",
                      text, re.M | re.S)
    return match.group(1) if match else None


class SendmailStack(MailStack):
    """MailStack with a SendmailInstance where Postfix would be.

    MailStack calls its MTA ``postfix``; here that attribute holds the
    Sendmail instance, also reachable as ``sendmail``.
    """

    def __init__(self, root, mailveil_binary, keyed, unkeyed, unpacked, mailveil_settings=None):
        super().__init__(root, mailveil_binary, keyed, unkeyed, mailveil_settings)
        self.sendmail = SendmailInstance(os.path.join(self.root, "sendmail"), self.smtp_port,
                                         self.milter_port, unpacked)
        self.postfix = self.sendmail

    def send(self, data, recipients, sender="sender@example.net"):
        """MailStack.send, with the queue id read from Sendmail's 250 reply."""
        result = super().send(data, recipients, sender)
        result.queue_id = sendmail_queue_id(result.transcript)
        return result

    def diagnostics(self):
        log = self.daemon.log_text() if self.daemon else "(mailveil never started)"
        queue = (self.sendmail.queue_listing() if self.sendmail.is_running()
                 else "(sendmail down)\n")
        return ("--- Sendmail maillog (%s, last lines) ---\n%s\n--- sendmail -bp ---\n%s"
                "--- mailveil log (%s) ---\n%s" % (self.sendmail.maillog,
                                                   self.sendmail.maillog_tail(), queue,
                                                   self.log_path, log))


# -- the local mailer -------------------------------------------------------

def deliver(mail_base, users, data):
    """Writes data into each user's Maildir; returns a sysexits code."""
    for user in users:
        box = os.path.join(mail_base, user)
        if not os.path.isdir(os.path.join(box, "new")):
            sys.stderr.write("no Maildir for %s\n" % user)
            return EX_NOUSER
        name = "%d.P%d_%d.%s" % (time.time(), os.getpid(), time.monotonic_ns(), HOST_NAME)
        temporary = os.path.join(box, "tmp", name)
        try:
            with open(temporary, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.rename(temporary, os.path.join(box, "new", name))
        except OSError as error:
            sys.stderr.write("cannot deliver to %s: %s\n" % (box, error))
            return EX_TEMPFAIL
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 4 or sys.argv[1] != "deliver":
        sys.stderr.write("usage: sendmail.py deliver MAILROOT USER...\n")
        sys.exit(64)
    sys.exit(deliver(sys.argv[2], sys.argv[3:], sys.stdin.buffer.read()))
