"""Figure 3 (through Postfix) and figure 4 (the daemon's memory).

A private Postfix on 127.0.0.1 (tests/integration/postfix.py, the harness the
integration tests use) relays every message to Postfix's own smtp-sink; the
mailveil daemon (tests/integration/mailveil_daemon.py) is its milter or not.

Throughput: smtp-source sends a fixed number of copies of one message in 20
parallel sessions; the time runs from its start until Postfix has logged the
last delivery to the sink (status=sent), so it is the whole MTA's rate.

Latency: a client of our own (one SMTP session, messages one after another)
times each message from the first byte of its content after DATA's 354 to
Postfix's 250 reply. Postfix answers 250 only after the milter's end-of-message
reply, so with mailveil this interval holds mailveil's whole work on the
message (body, decision, encryption, the rewrite handed back); without a
milter it is Postfix's own (cleanup, queue file, fsync). The added latency is
the difference of the two distributions' percentiles. The probe runs twice:
alone (the cost of one message) and beside the smtp-source load (what a
message waits for in a busy MTA).

Memory: a fresh daemon per case, so its VmHWM (peak resident set, from
/proc/PID/status) belongs to that case alone.
"""

import os
import pwd
import re
import smtplib
import socket
import subprocess
import threading
import time

from mailveil_daemon import MailveilDaemon
from postfix import PostfixInstance, free_port, port_accepts, wait_until

SENDER = "alice@example.net"


class SinkStack:
    """smtp-sink <- Postfix (relaying) [<- mailveil as milter]."""

    def __init__(self, root, mailveil_binary, keyring_home, mailveil_conf=None):
        """mailveil_conf must set umask = 000 (or let Postfix's user reach the
        socket some other way): the milter listens on a unix socket, as the
        package's default configuration has it, in a folder of its own."""
        self.root = root
        self.mailveil_binary = mailveil_binary
        self.keyring_home = keyring_home
        self.mailveil_conf = mailveil_conf
        self.sink_port, self.smtp_port, self.milter_port = _three_ports()
        self.milter_socket = os.path.join(root, "milter", "mailveil.sock")
        self.sink = None
        self.postfix = None
        self.daemon = None
        self.noop = None

    def start_sink(self):
        self.sink = subprocess.Popen(
            ["smtp-sink", "-u", "nobody", "127.0.0.1:%d" % self.sink_port, "256"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        if not wait_until(lambda: port_accepts(self.sink_port), 10):
            raise RuntimeError("smtp-sink does not listen on 127.0.0.1:%d" % self.sink_port)

    def start_postfix(self, with_milter, milter_socket=None):
        """with_milter: mailveil's socket, or milter_socket when given."""
        self.postfix = PostfixInstance(
            os.path.join(self.root, "postfix"), self.smtp_port,
            "unix:" + (milter_socket or self.milter_socket) if with_milter else None,
            main_cf={
                "myhostname": "mx.bench.test",
                "virtual_mailbox_domains": "",
                "virtual_mailbox_maps": "",
                "relayhost": "[127.0.0.1]:%d" % self.sink_port,
                "default_transport": "smtp",
                "message_size_limit": "200000000",
                "smtpd_client_connection_count_limit": "0",
                "smtpd_client_message_rate_limit": "0",
                # No flow-control pauses (smtpd waiting up to 1 s for qmgr):
                # they made rounds of the same case differ by a third, and
                # they hide a milter's cost behind Postfix's pacing.
                "in_flow_delay": "0",
            })
        self.postfix.create([])
        self.postfix.start()

    def start_daemon(self):
        folder = os.path.dirname(self.milter_socket)
        os.makedirs(folder, mode=0o755, exist_ok=True)
        hand_dir_to_mailveil(folder)
        self.daemon = MailveilDaemon(self.mailveil_binary, self.milter_port, self.keyring_home,
                                     os.path.join(self.root, "mailveil.log"), self.mailveil_conf,
                                     unix_socket=self.milter_socket)
        self.daemon.start()
        # The harness hands the keyring to the daemon's user; give it back to
        # root, read-only to that user, as README recommends: gpg then takes
        # no lock file per operation, and parallel encryptions do not wait.
        make_read_only(self.keyring_home)

    def start_noop_milter(self, binary):
        """bench/postfix/noop_milter.cpp on its own socket; returns the socket."""
        folder = os.path.join(self.root, "noop")
        os.makedirs(folder, mode=0o755, exist_ok=True)
        socket_path = os.path.join(folder, "noop.sock")
        self.noop = subprocess.Popen([binary, socket_path], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, start_new_session=True)
        if not wait_until(lambda: os.path.exists(socket_path) or self.noop.poll() is not None,
                          10):
            raise RuntimeError("the no-op milter did not create %s" % socket_path)
        if self.noop.poll() is not None:
            raise RuntimeError("the no-op milter stopped: %s"
                               % self.noop.stderr.read().decode(errors="replace"))
        return socket_path

    def stop_noop_milter(self):
        if self.noop is not None and self.noop.poll() is None:
            self.noop.terminate()
            try:
                self.noop.wait(10)
            except subprocess.TimeoutExpired:
                self.noop.kill()
                self.noop.wait()
        self.noop = None

    def stop_daemon(self):
        """SIGTERM; a daemon that takes longer than the harness waits (libmilter's
        listener on a busy machine) is killed, which ends nothing measured."""
        if self.daemon:
            try:
                self.daemon.stop(timeout=30)
            except AssertionError as error:
                print("    note: %s" % error, flush=True)
            self.daemon = None

    def stop(self):
        try:
            self.stop_daemon()
            self.stop_noop_milter()
            if self.postfix:
                self.postfix.stop()
                self.postfix.release_short_spool()
                self.postfix = None
        finally:
            if self.sink and self.sink.poll() is None:
                self.sink.terminate()
                self.sink.wait(10)

    # -- measuring ------------------------------------------------------

    def delivered(self, recipient):
        """How many deliveries to the sink for recipient Postfix has logged."""
        marker = "to=<%s>" % recipient
        return sum(1 for line in self.postfix.maillog_text().splitlines()
                   if marker in line and "status=sent" in line)

    def wait_delivered(self, recipient, count, timeout):
        if not wait_until(lambda: self.delivered(recipient) >= count, timeout, interval=0.05):
            raise RuntimeError("%d of %d messages to %s delivered after %ds\n%s" % (
                self.delivered(recipient), count, recipient, timeout,
                self.postfix.maillog_tail()))

    def smtp_source(self, message_file, count, sessions, recipient, timeout=900):
        """Runs smtp-source; returns seconds until all count messages reached the sink."""
        before = self.delivered(recipient)
        start = time.perf_counter()
        result = subprocess.run(
            ["smtp-source", "-s", str(sessions), "-m", str(count), "-F", message_file,
             "-f", SENDER, "-t", recipient, "127.0.0.1:%d" % self.smtp_port],
            capture_output=True, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError("smtp-source failed (exit %d): %s" % (
                result.returncode, result.stderr.decode(errors="replace")[-2000:]))
        self.wait_delivered(recipient, before + count, timeout)
        return time.perf_counter() - start

    def decisions(self):
        return self.daemon.decisions() if self.daemon else []

    def peak_rss_kb(self):
        with open("/proc/%d/status" % self.daemon.process.pid) as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmHWM for the daemon")


def _three_ports():
    ports = set()
    while len(ports) < 3:
        ports.add(free_port())
    return sorted(ports)


def crlf_message(path):
    """The message file with CRLF line ends, as it travels in SMTP (dot-stuffed)."""
    with open(path, "rb") as source:
        data = re.sub(rb"\r?\n", b"\r\n", source.read())
    return re.sub(rb"(?m)^\.", b"..", data)


def probe_latency(port, data, recipient, count=None, stop=None):
    """Sends data over one SMTP session, message after message; returns the
    seconds from the first content byte after 354 to the 250 reply, per message.
    Runs count messages, or until stop (a threading.Event) is set."""
    times = []
    with smtplib.SMTP("127.0.0.1", port, timeout=120) as client:
        client.ehlo("probe.bench.test")
        while (count is None or len(times) < count) and not (stop and stop.is_set()):
            client.mail(SENDER)
            code, reply = client.rcpt(recipient)
            if code != 250:
                raise RuntimeError("RCPT %s: %d %s" % (recipient, code, reply))
            client.putcmd("data")
            code, reply = client.getreply()
            if code != 354:
                raise RuntimeError("DATA: %d %s" % (code, reply))
            start = time.perf_counter()
            client.send(data + b".\r\n")
            code, reply = client.getreply()
            times.append(time.perf_counter() - start)
            if code != 250:
                raise RuntimeError("end of DATA: %d %s" % (code, reply))
    return times


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, int(round(fraction * (len(ordered) - 1)))))
    return ordered[index]


def probe_address(recipient):
    """bob@example.org -> bob+probe@example.org: the probe's mail is told apart in
    the maillog, and reaches the same key (mailveil runs with recipient_delimiter +)."""
    local, domain = recipient.split("@")
    return "%s+probe@%s" % (local, domain)


def run_scenario(stack, message_file, count, sessions, recipient, probe_count):
    """The latency probe alone, then throughput with smtp-source with the probe beside it."""
    data = crlf_message(message_file)
    probe_to = probe_address(recipient)
    # Warm-up: Postfix's processes, the daemon's first lookup, gpg-agent.
    probe_latency(stack.smtp_port, data, probe_to, count=5)
    alone = probe_latency(stack.smtp_port, data, probe_to, count=probe_count)
    stop = threading.Event()
    loaded = []
    prober = threading.Thread(
        target=lambda: loaded.extend(probe_latency(stack.smtp_port, data, probe_to, stop=stop)))
    prober.start()
    try:
        seconds = stack.smtp_source(message_file, count, sessions, recipient)
    finally:
        stop.set()
        prober.join()
    return {"count": count, "seconds": seconds, "rate": count / seconds,
            "alone": alone, "loaded": loaded}


def hand_dir_to_mailveil(path):
    owner = pwd.getpwnam("mailveil")
    os.chown(path, owner.pw_uid, owner.pw_gid)


def fresh_daemon_peak(stack, send):
    """Starts a fresh daemon, runs send(), waits for the deliveries; returns VmHWM in kB."""
    stack.stop_daemon()
    stack.start_daemon()
    send()
    return stack.peak_rss_kb()


def send_one(stack, path, recipient, timeout=600):
    """One message over SMTP, then wait until it reached the sink."""
    before = stack.delivered(recipient)
    probe_latency(stack.smtp_port, crlf_message(path), recipient, count=1)
    stack.wait_delivered(recipient, before + 1, timeout)


def make_read_only(gnupg_home):
    """Owned by root: directory 0755, files 0644."""
    for directory, _, files in os.walk(gnupg_home):
        os.chown(directory, 0, 0)
        os.chmod(directory, 0o755)
        for name in files:
            path = os.path.join(directory, name)
            if os.path.isfile(path) and not os.path.islink(path):
                os.chown(path, 0, 0)
                os.chmod(path, 0o644)
