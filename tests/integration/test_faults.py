"""Faults under mailveil, through real Postfix: tempfail, one clear log line, then delivery.

Each scenario runs the test_postfix.py stack (Bob and Dave keyed, Carol not)
plus a relay Postfix that hands mail to the Postfix with mailveil over SMTP,
as any sending MTA does, and keeps it in its queue when told 4xx. mailveil
runs with log_level = debug in a private mount namespace
(fault_injection.py), where the fault is switched on while it runs:

* tmpdir full: a 1 MB tmpfs as tmpdir, spool_threshold 64 KiB, a 3 MB message;
* keyring unreadable: the GnuPG home chmod 000 (mailveil runs as its own user),
  also for mail from the sendmail command; pubring.kbx chmod 000 after use;
* GnuPG engine missing (the gpg binary replaced by a file that cannot be
  run) or failing (a gpg that exits 2), bound over gpg for mailveil only;
* a key lookup slower than Postfix's milter timeouts (set to 5 s): a gpg that
  sleeps 8 s before it answers (after a first message went through).

Every scenario checks: the sending MTA was told 4xx and kept the message;
nothing reached Bob while the fault held; mailveil logged one tempfail line
with the reason per attempt (the slow lookup: one warning per slow callback),
each matching a milter-reject line of Postfix with the same queue id (or
NOQUEUE at RCPT); once the fault is gone and the relay's queue flushed, the
message arrives exactly once, encrypted to Bob, and decrypts to what was sent.
The messages carry markers in Subject, a header, the text, the HTML and an
attachment's name; none may appear in mailveil's log
(test_logs_never_contain_message_content adds every ordinary kind of mail).

Run through CTest, one scenario at a time:
    python3 -m unittest -v test_faults.FaultsTest.test_keyring_unreadable_tempfails_then_delivers
"""

import os
import pwd
import re
import subprocess
import time
import unittest

import messages
import prerequisites
import test_postfix
from fault_injection import (FAILING_GPG, HUNG_GPG, MISSING_GPG, DaemonNamespace, marked_message,
                             markers_found, new_markers, sleeping_gpg)
from mailveil_daemon import RUN_AS_USER
from mta import MailStack, StackError
from postfix import wait_until
from test_postfix import BOB, CAROL, DAVE, KEYED, UNKEYED, data, with_logs

# (html is marked only where the HTML part's conversion is not compared)
MARKED_PLACES = ("subject", "header", "body", "attachment")
MILTER_TIMEOUT = 5  # seconds, Postfix's milter_command_timeout here (30 s by default)
SLOW_GPG_SECONDS = 8
GPG_DEADLINE = 2  # seconds, mailveil's gpg_timeout for the hung gpg

# How each scenario's stack differs: mailveil.conf settings, Postfix main.cf.
STACKS = {
    "test_tmpdir_full_tempfails_then_delivers": dict(
        settings={"spool_threshold": "64k"}),
    "test_slow_key_lookup_tempfails_then_delivers": dict(
        postfix={"milter_command_timeout": "%ds" % MILTER_TIMEOUT}),
    "test_hung_gpg_is_stopped_then_delivers": dict(settings={"gpg_timeout": str(GPG_DEADLINE)}),
    "test_logs_never_contain_message_content": dict(
        settings={"max_message_size": "200k", "html_plain": "alternative"}),
}


class FaultsTest(unittest.TestCase):

    def setUp(self):
        prerequisites.require(prerequisites.COMMANDS + ("unshare", "nsenter", "mount"))
        if subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode != 0:
            prerequisites.report_missing(["no mount namespace (unshare --mount) for the faults: "
                                          "needs CAP_SYS_ADMIN"])
        spec = STACKS.get(self._testMethodName, {})
        root = prerequisites.scratch_folder("fa_", self._testMethodName)
        self.tmpdir = root + "-tmp"
        settings = {"log_level": "debug", "tmpdir": self.tmpdir}
        settings.update(spec.get("settings", {}))
        self.stack = MailStack(root, prerequisites.binary("MAILVEIL_BIN"), KEYED, UNKEYED,
                               settings, relay=True)
        self.stack.postfix.main_cf.update(spec.get("postfix", {}))
        os.makedirs(self.tmpdir, exist_ok=True)
        self.addCleanup(self.stack.stop)
        self.stack.start()
        owner = pwd.getpwnam(RUN_AS_USER)
        os.chown(self.tmpdir, owner.pw_uid, owner.pw_gid)
        os.chmod(self.tmpdir, 0o700)
        self.namespace = DaemonNamespace.isolate(self.stack)
        self.markers = new_markers(*MARKED_PLACES)

    # -- checks -----------------------------------------------------------

    def send_through_relay(self, sent, address=BOB):
        """Hands sent for address to the relay Postfix; returns the relay's queue id."""
        return self.stack.send_accepted(sent, [address], port=self.stack.relay.smtp_port)

    def relay_deferrals(self, relay_id):
        """The relay's "status=deferred" lines for relay_id."""
        return [line for line in self.stack.relay.maillog_text().splitlines()
                if line.split(": ")[1:2] == [relay_id] and "status=deferred" in line]

    def wait_for_deferrals(self, relay_id, reply, count=1, timeout=60):
        """Waits until the relay was told reply (a regex) count times for
        relay_id. Its queue is flushed meanwhile: Postfix 3.7's qmgr may
        leave a message deferred while it retries another ("skipped, still
        being delivered")."""
        flushed = [time.monotonic()]

        def told():
            lines = [line for line in self.relay_deferrals(relay_id) if re.search(reply, line)]
            if len(lines) >= count:
                return lines
            if time.monotonic() - flushed[0] > 3:
                self.stack.relay.flush()
                flushed[0] = time.monotonic()
            return None
        lines = wait_until(told, timeout)
        if not lines:
            raise StackError("the relay was not told %r %d time(s) within %ds\n%s"
                             % (reply, count, timeout, self.stack.diagnostics()))
        return lines

    def tempfail_lines(self):
        return [line for line in self.stack.daemon.log_text().splitlines()
                if "decision=tempfail" in line]

    def milter_rejects(self):
        """(queue id or NOQUEUE, reply) of Postfix's milter-reject lines (the
        reply code is not logged at END-OF-MESSAGE)."""
        return re.findall(r": ([0-9A-F]+|NOQUEUE): milter-reject: \S+ from [^:]*: "
                          r"((?:\d\d\d )?\d\.\d\.\d [^;]*)", self.stack.postfix.maillog_text())

    def assert_tempfail_lines(self, reason):
        """Every tempfail line names reason (a regex) and has a queue id that
        Postfix's milter-reject line with 4.3.0 shows too, one for one."""
        lines = self.tempfail_lines()
        self.assertTrue(lines, "no tempfail line in mailveil's log")
        logged = []
        for line in lines:
            self.assertRegex(line, r"\berror: queue_id=\S+ (rcpt=<\S+@example\.org> )?"
                             r"decision=tempfail reason=\"[^\"]*%s" % reason)
            logged.append(re.search(r"queue_id=(\S+)", line).group(1))
        rejected = [queue_id for queue_id, reply in self.milter_rejects()
                    if re.match(r"(451 )?4\.3\.0 mailveil", reply)]
        self.assertEqual(sorted(logged), sorted(rejected),
                         "mailveil's tempfail lines vs. Postfix's milter-reject lines")
        return lines

    def assert_delivered_once_encrypted(self, relay_id, sent, address=BOB, before=0):
        """After the fault: the relay delivers sent to address once, encrypted
        (address had before messages already)."""
        self.stack.relay.flush()
        delivered = self.stack.wait_for_delivery(address, count=before + 1, timeout=60)[before]
        if not wait_until(lambda: not self.stack.relay.queued_ids(), 30):
            raise StackError("the relay still holds mail\n" + self.stack.diagnostics())
        self.stack.wait_until_idle()
        time.sleep(2)  # a second copy would be on its way by now
        self.assertEqual(len(self.stack.delivered(address)), before + 1,
                         "delivered more than once")
        self.assert_encrypted_for(delivered, sent, [address])
        entries = self.stack.daemon.decisions_for(messages.postfix_queue_id(delivered))
        self.assertEqual([e.get("decision") for e in entries], ["encrypted"])
        self.assertIn("status=sent", "\n".join(
            line for line in self.stack.relay.maillog_text().splitlines() if relay_id in line))
        return delivered

    def assert_no_markers_logged(self):
        found = markers_found(self.stack.daemon.log_text(), self.markers)
        self.assertEqual(found, [], "message content in mailveil's log")
        self.assertIn("debug:", self.stack.daemon.log_text(), "the log is not at debug level")

    def warm_up(self, address):
        """One message to address before the fault: mailveil has used GnuPG
        and remembers address's key (for a minute)."""
        sent = marked_message(self.markers)
        self.stack.send_accepted(sent, [address])
        self.assert_encrypted_for(self.stack.wait_for_delivery(address)[0], sent, [address])

    def run_fault(self, switch_on, switch_off, reason, sent=None, addresses=(BOB,)):
        """The common course: fault on; one message per address through the
        relay, each told 451 4.3.0 (at least twice: the relay retries);
        nothing delivered; fault off: each delivered once, encrypted; one
        tempfail line per attempt, naming reason."""
        sent = sent or marked_message(self.markers)
        before = {address: len(self.stack.delivered(address)) for address in addresses}
        switch_on()
        relay_ids = [self.send_through_relay(sent, address) for address in addresses]
        for relay_id in relay_ids:
            self.wait_for_deferrals(relay_id, r"said: 451 4\.3\.0 mailveil: temporary failure",
                                    count=2)
        for address in addresses:
            self.assertEqual(len(self.stack.delivered(address)), before[address],
                             "delivered during the fault")
        switch_off()
        for relay_id, address in zip(relay_ids, addresses):
            self.assert_delivered_once_encrypted(relay_id, sent, address, before[address])
        lines = self.assert_tempfail_lines(reason)
        deferrals = [line for relay_id in relay_ids for line in self.relay_deferrals(relay_id)]
        self.assertEqual(len(lines), len(deferrals),
                         "one tempfail line per attempt of the relay:\n%s\n%s"
                         % ("\n".join(lines), "\n".join(deferrals)))
        self.assert_no_markers_logged()
        return lines

    # -- scenarios --------------------------------------------------------

    @with_logs
    def test_tmpdir_full_tempfails_then_delivers(self):
        """A 3 MB message spools past 64 KiB into a 1 MB tmpfs: 451 4.3.0 after
        DATA, naming the tmpdir; remounted at 64 MB, the retry is encrypted and
        the nameless spool files leave nothing behind."""
        self.namespace.mount_tmpfs(self.tmpdir, "1m")
        sent = marked_message(self.markers, attachment_bytes=2 * 1024 * 1024)
        self.run_fault(lambda: None, lambda: self.namespace.resize_tmpfs(self.tmpdir, "64m"),
                       r"%s\b.*No space left on device" % re.escape(self.tmpdir), sent)
        self.assertEqual(self.namespace.listing(self.tmpdir), [], "files left in tmpdir")

    @with_logs
    def test_keyring_unreadable_tempfails_then_delivers(self):
        home = self.stack.milter_home.path
        self.run_fault(lambda: os.chmod(home, 0), lambda: os.chmod(home, 0o700),
                       r"keyring %s is not readable" % re.escape(home))

    @with_logs
    def test_keyring_file_unreadable_after_use(self):
        """pubring.kbx turns unreadable (chmod 000) after a first message: a chmod
        leaves the file's stamp alone, and GnuPG would list no key from it."""
        self.warm_up(DAVE)
        pubring = os.path.join(self.stack.milter_home.path, "pubring.kbx")
        mode = os.stat(pubring).st_mode & 0o777
        self.run_fault(lambda: os.chmod(pubring, 0), lambda: os.chmod(pubring, mode),
                       r"keyring %s is not readable" % re.escape(pubring), addresses=(BOB, DAVE))

    @with_logs
    def test_keyring_unreadable_sendmail_mail_waits_in_queue(self):
        """Mail from Postfix's sendmail command (non_smtpd_milters) while the
        keyring is unreadable stays in Postfix's queue, with a 4.3.0 reason
        in its log, and is encrypted once the keyring is back."""
        home = self.stack.milter_home.path
        sent = marked_message(self.markers)
        os.chmod(home, 0)
        try:
            self.stack.postfix.sendmail(sent.replace(b"\r\n", b"\n"), "sender@example.net",
                                        [BOB])
            held = wait_until(lambda: re.search(r"(\w+): milter-reject: \S+ from [^:]*: "
                                                r"(451 )?4\.3\.0 mailveil",
                                                self.stack.postfix.maillog_text()), 30)
            self.assertTrue(held, "no milter-reject with 4.3.0 in Postfix's log")
            self.assertEqual(len(self.stack.postfix.queued_ids()), 1,
                             self.stack.postfix.queue_listing())
            self.assertEqual(self.stack.delivered(BOB), [])
        finally:
            os.chmod(home, 0o700)
        self.assertNotIn("milter configuration error", self.stack.postfix.maillog_text())
        self.stack.postfix.flush()
        delivered = self.stack.wait_for_delivery(BOB, timeout=60)[0]
        self.stack.wait_until_idle()
        self.assertEqual(len(self.stack.delivered(BOB)), 1, "delivered more than once")
        self.assert_encrypted_for(delivered, sent, [BOB])
        self.assert_tempfail_lines(r"keyring %s is not readable" % re.escape(home))
        self.assert_no_markers_logged()

    @with_logs
    def test_gpg_missing_tempfails_then_delivers(self):
        """gpg cannot be run from the daemon's first message on; once it is
        back, the daemon uses it without a restart."""
        self.run_fault(lambda: self.namespace.replace_gpg(MISSING_GPG),
                       self.namespace.restore_gpg,
                       r"GnuPG engine %s is missing or does not run" % re.escape(
                           self.namespace.gpg))

    @with_logs
    def test_gpg_failing_tempfails_then_delivers(self):
        """gpg worked for a first message to Dave, then fails (exit 2, no
        output) while mailveil runs: Bob's key lookup (not remembered) and the
        encryption to Dave's remembered key both tempfail; "no key" (plaintext)
        would be the wrong answer."""
        self.warm_up(DAVE)
        lines = self.run_fault(lambda: self.namespace.replace_gpg(FAILING_GPG),
                               self.namespace.restore_gpg, r"GnuPG engine %s " % re.escape(
                                   self.namespace.gpg), addresses=(BOB, DAVE))
        self.assertTrue(any("rcpt=<%s>" % BOB in line for line in lines), "Bob's lookup")
        self.assertTrue(any("rcpt=<" not in line for line in lines), "the encryption to Dave")

    @with_logs
    def test_slow_key_lookup_tempfails_then_delivers(self):
        """After a first message to Dave, gpg turns slow: it answers after 8 s.
        Bob's key lookup at RCPT outlasts Postfix's milter_command_timeout (5 s):
        Postfix gives up on the milter and, with milter_default_action =
        tempfail, answers 451 4.7.1; the relay keeps the message. mailveil
        finishes the abandoned lookup, logs it as slow with the recipient, and
        its threads go back to where they were: nothing stays stuck. A retry
        may pass while gpg is still slow (the lookup is remembered, and the
        end of the message may take longer); either way Bob gets the message
        once, encrypted."""
        self.warm_up(DAVE)
        threads = self.namespace.thread_count()
        sent = marked_message(self.markers)
        self.namespace.replace_gpg(sleeping_gpg(self.namespace.real_gpg, SLOW_GPG_SECONDS))
        relay_id = self.send_through_relay(sent)
        self.wait_for_deferrals(relay_id, r"said: 451 4\.7\.1 ", timeout=60)
        self.assertRegex(self.stack.postfix.maillog_text(),
                         r"warning: milter inet:127\.0\.0\.1:%d: can't read SMFIC_RCPT reply "
                         r"packet header: Connection timed out" % self.stack.milter_port)
        slow = wait_until(self.slow_lines, SLOW_GPG_SECONDS * 3)
        self.assertTrue(slow, "no line about the slow step in mailveil's log")
        for line in slow:
            self.assertRegex(line, r"warning: queue_id=NOQUEUE rcpt=<%s> slow: rcpt took \d+ s"
                             % re.escape(BOB))
        self.namespace.restore_gpg()
        self.assert_delivered_once_encrypted(relay_id, sent)
        self.assertTrue(wait_until(lambda: self.namespace.thread_count() <= threads, 60),
                        "mailveil has %d threads, %d before the slow lookups"
                        % (self.namespace.thread_count(), threads))
        self.assertEqual(self.tempfail_lines(), [], "mailveil itself did not tempfail")
        self.assert_no_markers_logged()

    @with_logs
    def test_hung_gpg_is_stopped_then_delivers(self):
        """After a first message to Dave, gpg hangs for good (gpg_timeout = 2 s).
        Every gpg run is stopped at the deadline, so Bob's key lookup fails
        within Postfix's timeout: mailveil's own 451 4.3.0, naming the
        deadline; no hung gpg stays behind, the threads go back to where they
        were, and with gpg back the message is delivered once, encrypted."""
        self.warm_up(DAVE)
        threads = self.namespace.thread_count()
        self.run_fault(lambda: self.namespace.replace_gpg(HUNG_GPG), self.namespace.restore_gpg,
                       r"gpg ran longer than gpg_timeout, %d s, and was stopped" % GPG_DEADLINE)
        self.assertTrue(wait_until(lambda: self.namespace.processes_running("sleep 3600") == 0,
                                   GPG_DEADLINE * 3),
                        "hung gpg processes left: %d" % self.namespace.processes_running(
                            "sleep 3600"))
        self.assertTrue(wait_until(lambda: self.namespace.thread_count() <= threads, 60),
                        "mailveil has %d threads, %d before the hung gpg"
                        % (self.namespace.thread_count(), threads))

    @with_logs
    def test_logs_never_contain_message_content(self):
        """Every ordinary kind of mail at log_level = debug, each with its own
        markers: encrypted, HTML encrypted and converted for an unkeyed
        recipient (html_plain = alternative), too big (passed), split (452),
        already encrypted, malformed MIME, from the sendmail command. None of
        the markers reaches mailveil's log, which has a line for each."""
        html_markers = new_markers("subject", "header", "body", "html", "attachment")
        self.markers.update({"html-" + place: marker for place, marker in html_markers.items()})
        plain = marked_message(self.markers)
        html = marked_message(html_markers)
        self.stack.send_accepted(plain, [BOB])
        self.stack.send_accepted(html, [BOB])
        self.stack.send_accepted(html, [CAROL])
        self.stack.send_accepted(marked_message(self.markers, attachment_bytes=300_000), [DAVE])
        split = self.stack.send(plain, [BOB, CAROL])
        self.assertTrue(any("452" in reply for reply in split.replies), split.transcript)
        encrypted = data("pgp_mime_encrypted.eml").replace(
            b"\nSubject: ", b"\nSubject: %s " % self.markers["subject"].encode(), 1)
        self.stack.send_accepted(encrypted, [BOB])
        malformed = plain.replace(b'boundary="=_m_"', b'boundary="=_never_"').replace(
            b"Content-Transfer-Encoding: base64\r\n\r\n",
            b"Content-Transfer-Encoding: base64\r\n\r\n%s!!\x01\r\n" % self.markers[
                "attachment"].encode())
        self.stack.send(malformed, [BOB])
        self.stack.postfix.sendmail(plain.replace(b"\r\n", b"\n"), "sender@example.net",
                                    [BOB, CAROL])
        self.stack.wait_for_delivery(CAROL, count=2)
        self.stack.wait_for_delivery(DAVE)
        self.stack.wait_until_idle()
        decisions = [entry.get("decision") for entry in self.stack.daemon.decisions()]
        self.assertGreaterEqual(len(decisions), 8, decisions)
        self.assertTrue(all(decisions), decisions)
        self.assert_no_markers_logged()

    def slow_lines(self):
        return [line for line in self.stack.daemon.log_text().splitlines() if " slow: " in line]


for _name, _member in vars(test_postfix.PostfixTest).items():
    if callable(_member) and not _name.startswith(("test_", "setUp", "_")) and \
            _name not in vars(FaultsTest):
        setattr(FaultsTest, _name, _member)


if __name__ == "__main__":
    unittest.main()
