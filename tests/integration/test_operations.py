"""mailveil's operations features behind a real Postfix, judged on delivered bytes.

The same stack as test_postfix.py (Bob and Dave have keys, Carol has none;
see mta.py), with per-scenario mailveil.conf settings, policy files and, for
the split through a sending MTA, a second Postfix that relays to the first:

* recipient rules: ``require`` refused at RCPT (550 5.7.1, or 450 4.7.1 with
  require_reply = defer), ``never`` in its address, @domain and * forms;
* key_map (a role address encrypted to Bob's key) and recipient_delimiter;
* SIGHUP: new rules for the next message without a restart, even on an open
  SMTP connection; a broken configuration keeps the running one;
* max_message_size with oversize_action pass and tempfail, 552 5.3.4 for a
  require recipient;
* 50 concurrent SMTP sessions, every message counted and decrypted;
* split through a relay Postfix: one message to a keyed and an unkeyed
  recipient arrives encrypted and in plaintext after the relay retries;
* mail from Postfix's sendmail command (non_smtpd_milters): never 452, the
  mixed_recipients_fallback instead;
* the content_filter recipe of packaging/examples/postfix-content-filter-split.cf.

The checks are test_postfix.PostfixTest's own: every method of it that is
not a scenario is borrowed (see the end of this file). Run through CTest, one scenario at a time:
    python3 -m unittest -v test_operations.OperationsTest.test_require_rejects_keyless
"""

import contextlib
import ctypes
import errno
import os
import re
import smtplib
import socket
import threading
import time
import unittest
from pathlib import Path

from fault_injection import DaemonNamespace
import messages
import prerequisites
import test_postfix
from mta import MailStack, StackError
from postfix import free_port, wait_until
from test_postfix import BOB, CAROL, DAVE, KEYED, UNKEYED, data, with_logs

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
CONTENT_FILTER_EXAMPLE = os.path.join(SOURCE, "packaging", "examples",
                                      "postfix-content-filter-split.cf")
TEAM, BOB_TAGGED = "team@example.org", "bob+tag@example.org"


def rules_file(name, text):
    """Settings factory part: writes a recipient_rules file into the stack's root."""
    return lambda stack: {"recipient_rules": stack.write_file(name, text)}


def text_message(subject, token, size=0):
    """A small text/plain message with a unique token; padded to about size bytes."""
    lines = ["From: Sender <sender@example.net>", "To: undisclosed-recipients:;",
             "Subject: %s" % subject, "Date: Sat, 28 Nov 2026 10:00:00 +0000",
             "Message-ID: <%s@example.net>" % token, "MIME-Version: 1.0",
             "Content-Type: text/plain; charset=us-ascii", "Content-Transfer-Encoding: 7bit",
             "", "token %s" % token]
    padding = 0
    while len("\r\n".join(lines)) < size:
        padding += 1
        lines.append("padding line %06d abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     % padding)
    return ("\r\n".join(lines) + "\r\n").encode()


def keyring_snapshot(home):
    """{relative path: (size, mtime_ns)} of everything in a GnuPG home."""
    snapshot = {}
    for directory, dirs, files in os.walk(home):
        for name in dirs + files:
            path = os.path.join(directory, name)
            info = os.lstat(path)
            snapshot[os.path.relpath(path, home)] = (info.st_size, info.st_mtime_ns)
    return snapshot


def content_filter_recipe(stack):
    """Puts packaging/examples/postfix-content-filter-split.cf into the stack's
    Postfix as it stands: only the milter socket and the port 10026 are replaced."""
    section, main_cf, master_cf = None, {}, []
    filter_port = free_port()
    while filter_port in (stack.smtp_port, stack.milter_port):
        filter_port = free_port()
    for line in Path(CONTENT_FILTER_EXAMPLE).read_text().splitlines():
        marker = re.match(r"# --- (\S+) ---", line)
        if marker:
            section = marker.group(1)
        elif line.strip() and not line.startswith("#"):
            line = line.replace("unix:/run/mailveil/mailveil.sock",
                                "inet:127.0.0.1:%d" % stack.milter_port)
            line = line.replace("10026", str(filter_port))
            if section == "main.cf":
                name, value = line.split("=", 1)
                main_cf[name.strip()] = value.strip()
            elif section == "master.cf":
                master_cf.append(line)
    stack.postfix.main_cf.update(main_cf)
    stack.postfix.master_cf += master_cf
    stack.filter_port = filter_port


@contextlib.contextmanager
def borrowed_socket(pid, fd):
    """A duplicate of process pid's socket fd (pidfd_open and pidfd_getfd, Linux 5.6)."""
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = libc.syscall(434, pid, 0)  # pidfd_open
    if pidfd < 0:
        raise OSError(ctypes.get_errno(), "pidfd_open")
    try:
        copy = libc.syscall(438, pidfd, fd, 0)  # pidfd_getfd
        if copy < 0:
            raise OSError(ctypes.get_errno(), "pidfd_getfd")
    finally:
        os.close(pidfd)
    sock = socket.socket(fileno=copy)
    try:
        yield sock
    finally:
        sock.close()


def replies_matching(result, pattern):
    return [reply for reply in result.replies if re.search(pattern, reply)]


# How each scenario's stack differs from the default one: mailveil.conf settings
# (a dict, or a callable given the stack once its keys exist), more Maildirs,
# a relay Postfix.
STACKS = {
    "test_require_rejects_keyless": dict(settings=rules_file(
        "recipient_rules", "bob@example.org require\ncarol@example.org require\n")),
    "test_require_defer_answers_450": dict(settings=lambda stack: dict(
        rules_file("recipient_rules", "carol@example.org require\n")(stack),
        require_reply="defer")),
    "test_never_rule_keyed_gets_plaintext": dict(settings=rules_file(
        "recipient_rules", "# first match wins\n"
        "dave@example.org   opportunistic\n"
        "@Example.ORG       never   # any case\n"
        "*                  opportunistic\n")),
    "test_key_map_and_recipient_delimiter": dict(
        mailboxes=[TEAM, BOB_TAGGED],
        settings=lambda stack: {
            "key_map": stack.write_file("key_map", "# role address\n%s %s\n" % (
                TEAM, stack.people[BOB].fingerprint)),
            "recipient_delimiter": "+"}),
    "test_sighup_reloads_rules": dict(settings={"log_level": "info"}),
    "test_oversized_message_passes_unchanged": dict(settings=lambda stack: dict(
        rules_file("recipient_rules", "dave@example.org require\n")(stack),
        max_message_size="20k")),
    "test_oversized_message_tempfails": dict(settings={"max_message_size": "20k",
                                                       "oversize_action": "tempfail"}),
    "test_relay_splits_keyed_and_unkeyed": dict(relay=True),
    "test_sendmail_command_mixed_gets_fallback": dict(settings={"log_level": "debug"}),
    "test_content_filter_recipe_splits_sendmail_mail": dict(postfix=content_filter_recipe),
    # smtpd logs each milter event it sends for clients in debug_peer_list.
    "test_keyless_mail_settles_at_data": dict(postfix=lambda stack: stack.postfix.main_cf.update(
        {"debug_peer_list": "127.0.0.1", "debug_peer_level": "2"})),
    "test_unix_socket_envelope_without_replies": dict(
        unix_milter=True, postfix=lambda stack: stack.postfix.main_cf.update(
            {"debug_peer_list": "127.0.0.1", "debug_peer_level": "2"})),
}


class OperationsTest(unittest.TestCase):

    def setUp(self):
        prerequisites.require()
        spec = STACKS.get(self._testMethodName, {})
        self.stack = MailStack(prerequisites.scratch_folder("op_", self._testMethodName),
                               prerequisites.binary("MAILVEIL_BIN"), KEYED, UNKEYED,
                               spec.get("settings"), mailboxes=spec.get("mailboxes", ()),
                               relay=spec.get("relay", False),
                               unix_milter=spec.get("unix_milter", False))
        if "postfix" in spec:
            spec["postfix"](self.stack)
        self.addCleanup(self.stack.stop)
        self.stack.start()

    # -- checks of its own -----------------------------------------------

    def assert_encrypted_to(self, delivered, sent, owners):
        """delivered is PGP/MIME to exactly the keys of owners (whatever address it
        was sent to); each owner's secret key decrypts it to sent's entity."""
        armored = messages.encrypted_payload(delivered)
        people = [self.stack.people[owner] for owner in owners]
        expected = sorted(key_id for person in people
                          for key_id in person.home.encryption_subkey_ids(person.fingerprint))
        self.assertEqual(self.stack.milter_home.recipient_key_ids(armored), expected,
                         "not encrypted to exactly the keys of %s" % owners)
        for person in people:
            plaintext, _ = person.home.decrypt(armored)
            if self.protects_headers():
                self.assertEqual(messages.protected_payload_problems(plaintext, sent), [],
                                 "the RFC 9788 payload %s decrypts" % person.address)
            else:
                self.assertSameBytes(plaintext, messages.original_entity(sent),
                                     "the entity %s decrypts" % person.address)

    def rcpt_lines(self, address):
        """mailveil's per-recipient log lines (refusals and splits) for address."""
        return [entry for entry in self.stack.daemon.decisions()
                if entry.get("rcpt") == "<%s>" % address]

    def assert_nothing_for(self, *addresses):
        for address in addresses:
            self.assertEqual(self.stack.delivered(address), [], "delivered to %s" % address)

    # -- recipient rules ----------------------------------------------------

    @with_logs
    def test_require_rejects_keyless(self):
        """A require recipient without key is refused at RCPT with 550 5.7.1; one
        with a key gets the message encrypted, even beside the refused one."""
        sent = data("plain.eml")
        refused = self.stack.send(sent, [CAROL])
        self.assertTrue(replies_matching(refused, r"^\s*<\*\*\s+550[ -]5\.7\.1\b"),
                        "no 550 5.7.1 for the require recipient:\n%s" % refused.transcript)
        self.assertIsNone(refused.queue_id, "accepted for a require recipient without key")

        both = self.stack.send(sent, [BOB, CAROL])
        self.assertTrue(replies_matching(both, r"550[ -]5\.7\.1"), both.transcript)
        self.assertIsNotNone(both.queue_id, "bob (require, keyed) was not accepted")
        delivered = self.stack.wait_for_delivery(BOB)[0]
        self.assert_encrypted_for(delivered, sent, [BOB])
        # with a queue id at RCPT, Postfix's, the refusal line carries it too
        self.assertEqual([(e["decision"], e["rcpts"]) for e in
                          self.stack.daemon.decisions_for(both.queue_id) if "rcpt" not in e],
                         [("encrypted", "1")])
        self.stack.wait_until_idle()
        self.assert_nothing_for(CAROL)
        self.assertEqual([(e["decision"], e["reason"]) for e in self.rcpt_lines(CAROL)],
                         [("rejected", "require-without-key")] * 2)

    @with_logs
    def test_require_defer_answers_450(self):
        """require_reply = defer: 450 4.7.1, the sender keeps the message."""
        sent = data("plain.eml")
        refused = self.stack.send(sent, [CAROL])
        self.assertTrue(replies_matching(refused, r"450[ -]4\.7\.1"),
                        "no 450 4.7.1 for the require recipient:\n%s" % refused.transcript)
        self.assertFalse(replies_matching(refused, r"\b5\d\d[ -]"), refused.transcript)
        self.assertIsNone(refused.queue_id)
        self.assert_nothing_for(CAROL)
        self.assertEqual([(e["decision"], e["reason"]) for e in self.rcpt_lines(CAROL)],
                         [("deferred", "require-without-key")])
        # a recipient with a key is unaffected
        sent = data("plain.eml")
        queue_id = self.stack.send_accepted(sent, [DAVE])
        self.assert_encrypted_for(self.stack.wait_for_delivery(DAVE)[0], sent, [DAVE])
        self.assert_one_decision(queue_id, sent, [DAVE], decision="encrypted", rcpts="1")

    @with_logs
    def test_never_rule_keyed_gets_plaintext(self):
        """'@Example.ORG never' (after 'dave@example.org opportunistic'): Bob has
        a key but gets plaintext, logged reason=rule; Dave still gets it encrypted."""
        sent = data("plain.eml")
        queue_id = self.stack.send_accepted(sent, [BOB])
        delivered = self.stack.wait_for_delivery(BOB)[0]
        self.assert_unchanged(delivered, sent)
        entries = self.stack.daemon.decisions_for(queue_id)
        self.assertEqual([(e["decision"], e["reason"], e["rcpts"]) for e in entries],
                         [("passed", "rule", "1")])

        queue_id = self.stack.send_accepted(sent, [DAVE])
        self.assert_encrypted_for(self.stack.wait_for_delivery(DAVE)[0], sent, [DAVE])
        self.assert_one_decision(queue_id, sent, [DAVE], decision="encrypted", rcpts="1")

    # -- key map, recipient delimiter ----------------------------------------

    @with_logs
    def test_key_map_and_recipient_delimiter(self):
        """team@example.org is mapped to Bob's key; bob+tag@ finds bob@'s key
        with recipient_delimiter = +. Both arrive encrypted; Bob decrypts both."""
        bob = self.stack.people[BOB]
        for address in (TEAM, BOB_TAGGED):
            with self.subTest(recipient=address):
                sent = data("plain.eml")
                queue_id = self.stack.send_accepted(sent, [address])
                delivered = self.stack.wait_for_delivery(address)[0]
                self.assertEqual(messages.postfix_queue_id(delivered), queue_id)
                self.assert_encrypted_to(delivered, sent, [BOB])
                self.assert_outer_headers_kept(delivered, sent)
                entries = self.stack.daemon.decisions_for(queue_id)
                self.assertEqual([(e["decision"], e.get("keys")) for e in entries],
                                 [("encrypted", bob.fingerprint)])

    # -- SIGHUP -----------------------------------------------------------------

    def open_session(self):
        session = smtplib.SMTP("127.0.0.1", self.stack.smtp_port, timeout=60)
        self.addCleanup(self._close, session)
        session.ehlo("client.test")
        return session

    @staticmethod
    def _close(session):
        try:
            session.quit()
        except (smtplib.SMTPException, OSError):
            pass

    @with_logs
    def test_sighup_reloads_rules(self):
        """New rules take effect at the next MAIL FROM after SIGHUP, with no restart
        and no dropped connection; a message under way keeps its rules; a
        broken configuration is logged and the running one kept."""
        settings = dict(self.stack.mailveil_settings)
        pid = self.stack.daemon.process.pid
        # smtplib sends bytes as they are and adds a CRLF unless they end in one
        sent = messages.to_crlf(data("plain.eml"))

        # a session that is mid-message (RCPT done) when the rules change
        session = self.open_session()
        session.mail("sender@example.net")
        self.assertEqual(session.rcpt(BOB)[0], 250)

        rules = self.stack.write_file("rules", "bob@example.org never\n")
        line = self.stack.reload_mailveil(dict(settings, recipient_rules=rules))
        self.assertIn("reloaded configuration", line)

        code, _ = session.data(sent)
        self.assertEqual(code, 250)
        self.assert_encrypted_for(self.stack.wait_for_delivery(BOB, 1)[0], sent, [BOB])
        # the same connection, the next message: the new rules
        session.sendmail("sender@example.net", [BOB], sent)
        after = self.stack.wait_for_delivery(BOB, 2)[1]
        self.assert_unchanged(after, sent)
        self.assertEqual(self.stack.daemon.decisions_for(messages.postfix_queue_id(after))[0]
                         ["reason"], "rule")

        # a broken configuration and a broken rules file: logged, old rules kept
        for broken, expected in ((dict(settings, recipient_rules=rules, no_such_setting="1"),
                                  r"mailveil\.conf:\d+.*no_such_setting"),
                                 (dict(settings, recipient_rules=self.stack.write_file(
                                     "bad_rules", "bob@example.org sometimes\n")),
                                  r"bad_rules:1")):
            line = self.stack.reload_mailveil(broken)
            self.assertIn("reload failed, keeping the running configuration", line)
            self.assertRegex(line, expected)
        queue_id = self.stack.send_accepted(sent, [BOB])
        kept = self.stack.wait_for_delivery(BOB, 3)[2]
        self.assert_unchanged(kept, sent)
        self.assertEqual(self.stack.daemon.decisions_for(queue_id)[0]["reason"], "rule")

        # "* never" turns Dave to plaintext as well; then no rules: encrypted again
        line = self.stack.reload_mailveil(dict(settings, recipient_rules=self.stack.write_file(
            "star_rules", "*  never\n")))
        self.assertIn("reloaded configuration", line)
        _, delivered = self.deliver(sent, [DAVE])
        self.assert_unchanged(delivered[DAVE], sent)
        self.stack.reload_mailveil(settings)
        queue_id = self.stack.send_accepted(sent, [DAVE])
        self.assert_encrypted_for(self.stack.wait_for_delivery(DAVE, 2)[1], sent, [DAVE])
        self.assertEqual(self.stack.daemon.process.pid, pid, "mailveil was restarted")
        self.assertTrue(self.stack.daemon.is_running())

    # -- the milter protocol ---------------------------------------------------------

    def smtpd_milter_sessions(self):
        """smtpd's verbose milter lines, one list per milter connection, in order."""
        sessions = []
        for line in self.stack.postfix.maillog_text().splitlines():
            if "milter8_conn_event:" in line:
                sessions.append([])
            if sessions and "postfix/smtpd[" in line:
                sessions[-1].append(line)
        return sessions

    @with_logs
    def test_keyless_mail_settles_at_data(self):
        """Mail for a recipient without a key is settled at DATA: smtpd hands the
        message's header and body to no milter (cleanup gets milter_events only
        for keyed mail), and it arrives unchanged; keyed mail is still encrypted."""
        keyless = text_message("keyless", "data-1")
        keyed = text_message("keyed", "data-2")
        self.stack.send_accepted(keyless, [CAROL])
        self.assert_unchanged(self.stack.wait_for_delivery(CAROL)[0], keyless)
        self.stack.send_accepted(keyed, [BOB])
        self.assert_encrypted_for(self.stack.wait_for_delivery(BOB)[0], keyed, [BOB])

        sessions = {}
        for lines in self.smtpd_milter_sessions():
            rcpts = [re.search(r"rcpt <([^>]+)>", line).group(1) for line in lines
                     if "milter8_rcpt_event:" in line]
            if len(rcpts) == 1 and any("milter8_data_event:" in line for line in lines):
                sessions[rcpts[0]] = any("send attr milter_events" in line for line in lines)
        self.assertEqual(sessions, {CAROL: False, BOB: True},
                         "which SMTP sessions handed their milters to cleanup for the header")
        settled = [e for e in self.stack.daemon.decisions()
                   if (e.get("decision"), e.get("reason")) == ("passed", "no-key")]
        self.assertEqual(len(settled), 1, self.stack.daemon.decisions())
        # Over TCP every envelope event is answered (milter/callbacks.h: Nagle).
        for negotiated in self.negotiated_events():
            self.assertEqual(negotiated & {"SMFIP_NR_CONN", "SMFIP_NR_MAIL"}, set())
            self.assertIn("SMFIP_NR_HDR", negotiated)

    def negotiated_events(self):
        """The SMFIP_* names of each milter connection's negotiated events (smtpd's
        verbose "milter8_connect: events ..." line)."""
        return [set(re.findall(r"SMFIP_\w+", line.split("events", 1)[1]))
                for line in self.stack.postfix.maillog_text().splitlines()
                if "postfix/smtpd[" in line and "milter8_connect: events" in line]

    @with_logs
    def test_unix_socket_envelope_without_replies(self):
        """On a unix socket mailveil asks Postfix not to wait for replies to the
        connect and MAIL events (two round trips an SMTP session saved): the
        negotiated events say so, and keyed, keyless and mixed mail still go
        their ways, in one session after another."""
        keyed = text_message("unix keyed", "unix-1")
        keyless = text_message("unix keyless", "unix-2")
        mixed = text_message("unix mixed", "unix-3")
        self.stack.send_accepted(keyed, [BOB])
        self.stack.send_accepted(keyless, [CAROL])
        refused = self.stack.send(mixed, [BOB, CAROL])  # the split: 452 for one of them
        self.assertIn("452 4.5.3", refused.transcript)
        delivered = self.stack.wait_for_delivery(BOB, 2)
        self.assert_encrypted_for(delivered[0], keyed, [BOB])
        self.assert_encrypted_for(delivered[1], mixed, [BOB])
        self.assert_unchanged(self.stack.wait_for_delivery(CAROL)[0], keyless)

        events = self.negotiated_events()
        # one per SMTP session (the harness's probe of Postfix's port is one too)
        self.assertGreaterEqual(len(events), 3, "milter connections")
        for negotiated in events:
            self.assertTrue({"SMFIP_NR_CONN", "SMFIP_NR_MAIL", "SMFIP_NR_HDR"} <= negotiated,
                            negotiated)
            self.assertNotIn("SMFIP_NR_RCPT", negotiated)

    @with_logs
    def test_tcp_listener_has_nodelay(self):
        """The daemon's TCP listener (inet:PORT@127.0.0.1 here) has TCP_NODELAY,
        which its accepted connections inherit (tests/unit/tcp_nodelay_test.cpp):
        read from the running daemon's own socket, duplicated with pidfd_getfd."""
        pid = self.stack.daemon.process.pid
        listeners = []
        for fd in os.listdir("/proc/%d/fd" % pid):
            # The daemon's gpg pipes come and go meanwhile: an fd that closed
            # (or became something else) after the listing is not the listener.
            try:
                if not os.readlink("/proc/%d/fd/%s" % (pid, fd)).startswith("socket:"):
                    continue
                with borrowed_socket(pid, int(fd)) as sock:
                    if (sock.family == socket.AF_INET and sock.type == socket.SOCK_STREAM and
                            sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)):
                        listeners.append((sock.getsockname()[1],
                                          sock.getsockopt(socket.IPPROTO_TCP,
                                                          socket.TCP_NODELAY)))
            except OSError as error:
                if error.errno not in (errno.ENOENT, errno.EBADF, errno.ENOTSOCK):
                    raise
        self.assertEqual([(port, nodelay != 0) for port, nodelay in listeners],
                         [(self.stack.daemon.port, True)])
        # The mail path still works through it.
        message = text_message("nodelay", "nodelay-1")
        self.stack.send_accepted(message, [BOB])
        self.assert_encrypted_for(self.stack.wait_for_delivery(BOB)[0], message, [BOB])

    @with_logs
    def test_read_only_keyring(self):
        """The daemon with its keyring mounted read-only, as the package's unit
        has it (ReadOnlyPaths=): keyed mail is encrypted, keyless mail passes,
        sessions in parallel too, and nothing in the keyring changed (gpg
        wrote no lock file, no random_seed, no trustdb)."""
        namespace = DaemonNamespace.isolate(self.stack)
        home = self.stack.daemon.gnupg_home
        namespace.run("mount", "--bind", home, home)
        namespace.run("mount", "-o", "remount,bind,ro", home)
        self.assertIn(" ro,", " " + namespace.run("findmnt", "-n", "-o", "OPTIONS", home))
        before = keyring_snapshot(home)

        sent = {"ro-%d" % i: text_message("read-only %d" % i, "ro-%d" % i) for i in range(6)}
        recipients = {token: [BOB] if int(token[-1]) % 2 else [CAROL] for token in sent}
        senders = [threading.Thread(target=self.stack.send_accepted,
                                    args=(sent[token], recipients[token])) for token in sent]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(120)
        for address in (BOB, CAROL):
            copies = self.stack.wait_for_delivery(address, 3)
            by_token = {re.search(rb"Message-ID: <(ro-\d)@", copy).group(1).decode(): copy
                        for copy in copies}
            self.assertEqual(sorted(by_token), sorted(t for t in sent if recipients[t] == [address]))
            for token, copy in by_token.items():
                if address == BOB:
                    self.assert_encrypted_for(copy, sent[token], [BOB])
                else:
                    self.assert_unchanged(copy, sent[token])
        self.assertEqual(keyring_snapshot(home), before, "the keyring changed")
        log = self.stack.daemon.log_text()
        self.assertEqual([line for line in log.splitlines()
                          if "warning:" in line or "error:" in line], [])

    # -- big messages -------------------------------------------------------------

    @with_logs
    def test_oversized_message_passes_unchanged(self):
        """max_message_size = 20k: a 60 kB message to Bob passes unchanged (logged
        reason=too-big); to Dave, a require recipient, it is refused with 552 5.3.4;
        a small one is still encrypted."""
        big = text_message("big", "big-1", size=60_000)
        queue_id = self.stack.send_accepted(big, [BOB])
        self.assert_unchanged(self.stack.wait_for_delivery(BOB)[0], big)
        entries = self.stack.daemon.decisions_for(queue_id)
        self.assertEqual([(e["decision"], e["reason"], e["max_message_size"]) for e in entries],
                         [("passed", "too-big", "20480")])

        refused = self.stack.send(big, [DAVE])
        self.assertTrue(replies_matching(refused, r"552[ -]5\.3\.4"),
                        "no 552 5.3.4 for the require recipient:\n%s" % refused.transcript)
        self.assertIsNone(refused.queue_id)
        self.assert_nothing_for(DAVE)

        small = text_message("small", "small-1", size=2_000)
        queue_id = self.stack.send_accepted(small, [DAVE])
        self.assert_encrypted_for(self.stack.wait_for_delivery(DAVE)[0], small, [DAVE])

    @with_logs
    def test_oversized_message_tempfails(self):
        """oversize_action = tempfail: SMTP gets a 4xx at end of data; mail from the
        sendmail command stays in the queue; nothing is delivered."""
        big = text_message("big", "big-2", size=60_000)
        refused = self.stack.send(big, [BOB])
        self.assertTrue(replies_matching(refused, r"^\s*<\*\*\s+4\d\d[ -]4\.3\.4\b"),
                        "no 4xx 4.3.4 at end of data:\n%s" % refused.transcript)
        self.assertIsNone(refused.queue_id)

        self.stack.postfix.sendmail(big, "sender@example.net", [BOB])
        self.wait_for_maillog(r"milter-reject: END-OF-MESSAGE .*4\.3\.4")
        self.assertEqual(len(self.stack.postfix.queued_ids()), 1,
                         "postqueue -p:\n%s" % self.stack.postfix.queue_listing())
        time.sleep(1)
        self.assert_nothing_for(BOB)
        tempfails = [e for e in self.stack.daemon.decisions()
                     if (e.get("decision"), e.get("reason")) == ("tempfail", "too-big")]
        self.assertEqual(len(tempfails), 2, tempfails)

    # -- many at once -------------------------------------------------------------

    @with_logs
    def test_fifty_concurrent_sessions(self):
        """50 SMTP sessions at once (one thread each), to Bob, Dave, Carol or
        Bob+Dave: each message arrives exactly once per recipient, the keyed ones
        encrypted to exactly their recipients and decrypting to what was sent."""
        count = 50
        plan = [[BOB], [DAVE], [CAROL], [BOB, DAVE]]
        jobs = [("msg-%02d" % i, plan[i % len(plan)]) for i in range(count)]
        sent = {token: text_message("concurrent %s" % token, token, size=3_000)
                for token, _ in jobs}
        start = threading.Barrier(count)
        failures = []

        def session(token, recipients):
            try:
                start.wait(30)
                with smtplib.SMTP("127.0.0.1", self.stack.smtp_port, timeout=90) as smtp:
                    refused = smtp.sendmail("sender@example.net", recipients, sent[token])
                    if refused:
                        failures.append((token, refused))
            except Exception as error:  # reported below, with the token
                failures.append((token, repr(error)))

        threads = [threading.Thread(target=session, args=job) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        self.assertEqual(failures, [], "sessions that failed")

        expected = {address: sorted(token for token, rcpts in jobs if address in rcpts)
                    for address in (BOB, DAVE, CAROL)}
        for address, tokens in expected.items():
            self.stack.wait_for_delivery(address, len(tokens), timeout=60)
        self.stack.wait_until_idle()
        for address, tokens in expected.items():
            found = []
            person = self.stack.people[address]
            for raw in self.stack.delivered(address):
                token = re.search(rb"Message-ID: <(msg-\d+)@", raw).group(1).decode()
                found.append(token)
                recipients = dict(jobs)[token]
                if person.has_key:
                    self.assert_encrypted_for(raw, sent[token], recipients)
                else:
                    self.assert_unchanged(raw, sent[token])
            self.assertEqual(sorted(found), tokens, "messages for %s (each exactly once)"
                             % address)
        decisions = [e["decision"] for e in self.stack.daemon.decisions()
                     if e.get("queue_id") not in (None, "NOQUEUE")]
        self.assertEqual(sorted(decisions).count("encrypted"),
                         sum(1 for _, rcpts in jobs if rcpts != [CAROL]))
        self.assertEqual(len(decisions), count)

    # -- split through a sending MTA -------------------------------------------------

    @with_logs
    def test_relay_splits_keyed_and_unkeyed(self):
        """One message for Bob (keyed) and Carol (unkeyed) to a relay Postfix,
        which relays it to the Postfix with mailveil: that one answers 452 4.5.3
        to Carol; the relay sends her copy again in a transaction of its own.
        Bob's copy arrives encrypted, Carol's in plaintext, each exactly once."""
        sent = data("plain.eml")
        self.stack.send_accepted(sent, [BOB, CAROL], port=self.stack.relay.smtp_port)

        def both_arrived():
            if self.stack.delivered(BOB) and self.stack.delivered(CAROL):
                return True
            self.stack.relay.flush()
            return False
        if not wait_until(both_arrived, 45, interval=1):
            raise StackError("not both delivered through the relay\n%s"
                             % self.stack.diagnostics())
        self.assertTrue(re.search(r"milter-reject: RCPT from \S+: 452 4\.5\.3 .*to=<%s>"
                                  % re.escape(CAROL), self.stack.postfix.maillog_text()),
                        "the mailveil Postfix did not answer 452 4.5.3 for carol")
        self.stack.wait_until_idle()
        self.assertTrue(wait_until(lambda: not self.stack.relay.queued_ids(), 20),
                        self.stack.relay.queue_listing())
        self.assert_encrypted_for(self.stack.wait_for_delivery(BOB)[0], sent, [BOB])
        self.assert_unchanged(self.stack.wait_for_delivery(CAROL)[0], sent)
        self.assertEqual((len(self.stack.delivered(BOB)), len(self.stack.delivered(CAROL))),
                         (1, 1), "each recipient exactly once")
        split = [(e["decision"], e["reason"], e["class"]) for e in self.rcpt_lines(CAROL)]
        self.assertIn(("deferred", "split", "plaintext"), split)

    # -- mail from the sendmail command --------------------------------------------

    @with_logs
    def test_sendmail_command_mixed_gets_fallback(self):
        """Postfix's cleanup passes sendmail(1) mail to non_smtpd_milters and
        cannot take a recipient reject: a 452 there would defer the whole message
        ("can't reject recipient in non-smtpd(8) submission"). mailveil knows
        such mail by its connect (cleanup's ersatz client localhost[127.0.0.1], port 0)
        and applies mixed_recipients_fallback (plaintext) instead of splitting."""
        sent = data("plain.eml")
        self.stack.postfix.sendmail(sent, "sender@example.net", [BOB, CAROL])
        delivered = {address: self.stack.wait_for_delivery(address)[0]
                     for address in (BOB, CAROL)}
        for address in (BOB, CAROL):
            self.assert_unchanged(delivered[address], sent)
        queue_id = messages.postfix_queue_id(delivered[BOB])
        entries = self.stack.daemon.decisions_for(queue_id)
        self.assertEqual([(e["decision"], e["reason"], e["rcpts"], e["keyless"])
                          for e in entries], [("passed", "no-key", "2", "1")])
        self.assertEqual(self.rcpt_lines(CAROL), [], "a split was tried")
        self.assertNotIn("can't reject recipient", self.stack.postfix.maillog_text())

        # a sendmail message to Bob alone is still encrypted
        self.stack.postfix.sendmail(sent, "sender@example.net", [BOB])
        self.assert_encrypted_for(self.stack.wait_for_delivery(BOB, 2)[1], sent, [BOB])
        # SMTP mail to both is still split
        result = self.stack.send(sent, [BOB, CAROL])
        self.assertTrue(replies_matching(result, r"452[ -]4\.5\.3"), result.transcript)
        self.stack.wait_for_delivery(BOB, 3)
        self.stack.wait_until_idle()

        # what the connects looked like (log_level = debug): cleanup's ersatz
        # client and no {daemon_addr}; smtpd's real client port and address
        # (Postfix 3.7 sends {daemon_addr} for both; only the port tells them apart;
        # smtpd's connects include the one of the harness's readiness probe)
        connects = [line for line in self.stack.daemon.log_text().splitlines()
                    if " connect client=" in line]
        non_smtp = [line for line in connects if "kind=non-smtp" in line]
        smtp = [line for line in connects if "kind=smtp" in line]
        self.assertEqual(len(non_smtp), 2, "\n".join(connects))
        self.assertGreaterEqual(len(smtp), 1, "\n".join(connects))
        for line in non_smtp:
            self.assertIn("client=localhost[127.0.0.1]:0 ", line)
            self.assertRegex(line, r'v="Postfix \d')
        for line in smtp:
            self.assertRegex(line, r"client=\S+\[127\.0\.0\.1\]:[1-9]\d* ")
        self.assertEqual(self.stack.postfix.queued_ids(), [])

    @with_logs
    def test_content_filter_recipe_splits_sendmail_mail(self):
        """The README's recipe for mail from the sendmail command, as written in
        packaging/examples/postfix-content-filter-split.cf: pickup's mail goes
        through Postfix's smtp client, one recipient per transaction, to a
        loopback smtpd with mailveil. Bob gets it encrypted, Carol in
        plaintext, at once (no 452, no retry), each exactly once."""
        sent = data("plain.eml")
        self.stack.postfix.sendmail(sent, "sender@example.net", [BOB, CAROL])
        bob = self.stack.wait_for_delivery(BOB)[0]
        carol = self.stack.wait_for_delivery(CAROL)[0]
        self.stack.wait_until_idle()
        self.assert_encrypted_for(bob, sent, [BOB])
        self.assert_unchanged(carol, sent)
        self.assertEqual((len(self.stack.delivered(BOB)), len(self.stack.delivered(CAROL))),
                         (1, 1), "each recipient exactly once")
        decisions = sorted((e["decision"], e["rcpts"]) for e in self.stack.daemon.decisions())
        self.assertEqual(decisions, [("encrypted", "1"), ("passed", "1")])
        log = self.stack.postfix.maillog_text()
        self.assertRegex(log, r"to=<%s>, relay=127\.0\.0\.1\[127\.0\.0\.1\]:%d"
                         % (re.escape(BOB), self.stack.filter_port))
        self.assertNotIn("4.5.3", log)
        self.assertNotIn("loops back", log)


for _name, _member in vars(test_postfix.PostfixTest).items():
    if callable(_member) and not _name.startswith(("test_", "setUp", "_")) and \
            _name not in vars(OperationsTest):
        setattr(OperationsTest, _name, _member)


if __name__ == "__main__":
    unittest.main()
