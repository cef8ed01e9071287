"""mailveil under load and under kill -9, behind a real Postfix.

``test_ten_thousand_messages_fifty_sessions``: 10,000 messages of the mix in
load_traffic.py (plain, attachments, HTML with and without a text
alternative; to Bob or Dave (keyed), Carol (unkeyed), Bob and Dave, or a keyed
and an unkeyed recipient, which mailveil splits with 452 4.5.3) over 50
concurrent SMTP sessions into the Postfix with mailveil as its milter.
Checked afterwards:

* every copy arrived exactly once (counted by X-Load-Id in each Maildir),
  and nothing else arrived;
* the client saw no 4xx but the one 452 per split message, and no 5xx;
* no keyed mailbox holds the plaintext marker planted in every body, while
  every message in the unkeyed one does (so the grep can find it);
* every keyed copy is PGP/MIME encrypted to exactly its keyed recipients'
  subkeys and decrypts with the owner's key to what was sent (the RFC 9788
  payload; for HTML mail the sender's text part, or the paragraphs of an
  HTML-only message as text);
  every unkeyed copy is byte for byte what was sent;
* mailveil's resident memory is flat: VmRSS sampled every 0.25 s; the
  highest value in the last quarter of the run (by messages done) may
  exceed the highest in the first quarter by at most RSS_MARGIN_KB.

``test_kill_nine_loses_nothing``: 2,000 messages of the same mix sent to a
relay Postfix (no milter) that relays them to the mailveil Postfix over SMTP,
as the Internet would; mailveil is killed with SIGKILL five times while the
mail flows and a supervisor restarts it at once. Postfix has
milter_default_action = tempfail, so transactions in flight get 4xx and the
relay retries them. After postqueue -f on both and both queues empty: every
copy arrived, encrypted where keyed and decrypting to what was sent, and no
copy arrived twice; the kills must have hit mail in flight (the relay logged
4xx deferrals) and five new daemons must have made decisions.

MAILVEIL_IT_LOAD_MESSAGES=N runs fewer messages (for trying things out).
Run through CTest (label load):
    ctest --test-dir build -L load --output-on-failure
"""

import collections
import os
import re
import shutil
import threading
import time
import unittest
import uuid

import load_traffic
import messages
import prerequisites
import test_postfix
from load_traffic import BOB, CAROL, DAVE, MARKER
from mta import MailStack, StackError
from postfix import wait_until
from supervisor import Supervisor
from test_postfix import KEYED, UNKEYED, with_logs

ADDRESSES = (BOB, DAVE, CAROL)
# The leak bound. glibc keeps freed memory in its arenas (up to 16 on 2
# cores), so RSS climbs while the arenas meet the mix's largest messages 50
# at a time, and then moves with how many large ones happen to be in flight
# together: over 10,000 messages the peak of every tenth after the first
# lay between 39.9 and 44.6 MB in one run, 37.4 and 43.6 MB in another. So
# the last quarter's peak is judged against the first half's (not the first
# quarter's alone, which holds the climb: 37.4 MB in that second run, 6.3 MB
# under the last quarter's though nothing leaked). 4 MB is above that noise
# and below what a leak of 1 kB per message adds between the two (5,000
# messages: 4.9 MB); a leak of a few kB adds 10 to 20 MB.
RSS_MARGIN_KB = 4 * 1024
KILLS = 5
BORROWED_CHECKS = ("assertSameBytes", "assert_unchanged")


def message_count(default):
    return int(os.environ.get("MAILVEIL_IT_LOAD_MESSAGES", default))


class LoadTest(unittest.TestCase):

    def setUp(self):
        prerequisites.require()
        self.relay = "kill" in self._testMethodName
        self.stack = MailStack(prerequisites.scratch_folder("load_", self._testMethodName),
                               prerequisites.binary("MAILVEIL_BIN"), KEYED, UNKEYED,
                               relay=self.relay)
        # Throughput: no flow-control pause at smtpd, deliveries in parallel.
        self.stack.postfix.main_cf.update({
            "in_flow_delay": "0",
            "virtual_destination_concurrency_limit": "20",
        })
        if self.relay:
            self.stack.relay.main_cf.update({
                "in_flow_delay": "0",
                "default_destination_concurrency_limit": "50",
                "initial_destination_concurrency": "50",
                "smtp_destination_concurrency_limit": "50",
            })
        self.addCleanup(self.stack.stop)
        self.stack.start()
        self.tag = uuid.uuid4().hex[:8]

    # -- the run ----------------------------------------------------------

    def expected_copies(self, count):
        """{address: set of ids} the run must deliver."""
        expected = {address: set() for address in ADDRESSES}
        for index in range(count):
            for recipient in load_traffic.RECIPIENT_CYCLE[index % len(load_traffic.RECIPIENT_CYCLE)]:
                expected[recipient].add(load_traffic.message_id(index))
        return expected

    def delivered_count(self):
        return sum(len(os.listdir(os.path.join(self.stack.postfix.maildir(a), "new")))
                   for a in ADDRESSES if os.path.isdir(os.path.join(
                       self.stack.postfix.maildir(a), "new")))

    def wait_for_everything(self, total, timeout, flush=()):
        """Until total copies are delivered and every queue is empty; flush
        (Postfix instances) get postqueue -f on each poll."""
        def done():
            for instance in flush:
                instance.flush()
            return (self.delivered_count() >= total and not self.stack.postfix.queued_ids()
                    and not any(instance.queued_ids() for instance in flush))
        if not wait_until(done, timeout, interval=1):
            raise StackError("%d of %d copies delivered after %ds\n%s"
                             % (self.delivered_count(), total, timeout,
                                self.stack.diagnostics()))

    # -- checks -----------------------------------------------------------

    def check_delivered_once(self, expected):
        """Each expected copy exactly once, nothing else; returns {address: {id: path}}."""
        found, problems = {}, []
        for address in ADDRESSES:
            by_id = load_traffic.delivered_by_id(self.stack.postfix.delivered_files(address))
            ids = set(by_id) - {None}
            twice = sorted(i for i in ids if len(by_id[i]) > 1)
            if by_id.get(None):
                problems.append("%s: %d messages without X-Load-Id" % (address, len(by_id[None])))
            if ids - expected[address]:
                problems.append("%s: unexpected %s" % (address, sorted(ids - expected[address])[:10]))
            if expected[address] - ids:
                problems.append("%s: %d lost, e.g. %s" % (address, len(expected[address] - ids),
                                                           sorted(expected[address] - ids)[:10]))
            if twice:
                problems.append("%s: %d delivered more than once, e.g. %s"
                                % (address, len(twice), twice[:10]))
            found[address] = {ident: paths[0] for ident, paths in by_id.items() if ident}
        self.assertEqual(problems, [], "delivery counts")
        return found

    def check_no_plaintext_for_keyed(self, found):
        """The body marker: in none of Bob's or Dave's files, in every one of Carol's."""
        needle = ("%s-%s" % (MARKER, self.tag)).encode()
        leaked = [path for address in (BOB, DAVE) for path in found[address].values()
                  if needle in _read(path)]
        self.assertEqual(leaked, [], "plaintext marker in a keyed mailbox")
        unmarked = [path for path in found[CAROL].values() if needle not in _read(path)]
        self.assertEqual(unmarked, [], "the marker grep finds nothing in plaintext mail")

    def check_keyed_copies(self, address, found):
        """Every copy in a keyed mailbox: RFC 3156, to exactly its keyed recipients'
        subkeys, decrypting with the owner's key to what was sent."""
        person = self.stack.people[address]
        subkeys = {a: self.stack.people[a].home.encryption_subkey_ids(self.stack.people[a].fingerprint)
                   for a in (BOB, DAVE)}
        armored, problems = {}, []
        for ident, path in found.items():
            try:
                armored[ident] = messages.encrypted_payload(_read(path))
            except AssertionError as error:
                problems.append("%s: %s" % (ident, str(error)[:300]))
        for ident, (plaintext, key_ids) in load_traffic.decrypt_all(person.home, armored).items():
            sent = load_traffic.load_message(int(ident[1:]), self.tag)
            keyed = [r for r in sent.recipients if r != CAROL]
            wanted = sorted(k for r in keyed for k in subkeys[r])
            if key_ids != wanted:
                problems.append("%s: encrypted to %s, wanted %s" % (ident, key_ids, wanted))
            if plaintext is None:
                problems.append("%s: does not decrypt with %s's key" % (ident, address))
                continue
            wrong = messages.protected_payload_problems(plaintext, self.expected_payload(sent))
            if wrong:
                problems.append("%s (%s): %s" % (ident, sent.kind, "; ".join(wrong)[:300]))
        self.assertEqual(problems[:10], [], "%d of %d keyed copies for %s wrong"
                         % (len(problems), len(found), address))

    def expected_payload(self, sent):
        """What the encrypted payload must carry: the message as sent, or, for
        HTML mail (html_encrypted = text), the message with its text only:
        the sender's text part, or the HTML's paragraphs as text."""
        if sent.kind not in ("html_alternative", "html_only"):
            return sent.data
        text = sent.text
        if sent.kind == "html_only":
            # one <p> per line of text: the converter's paragraphs, a blank
            # line apart (test_html pins that rule down)
            text = "\r\n\r\n".join(line for line in text.split("\r\n") if line) + "\r\n"
        head = [text for name, text in messages.header_fields(sent.data)
                if not name.startswith("content-")]
        return (b"\r\n".join(head) + b"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                + text.encode())

    def check_unkeyed_copies(self, found):
        problems = []
        for ident, path in found.items():
            try:
                self.assert_unchanged(_read(path),
                                      load_traffic.load_message(int(ident[1:]), self.tag).data)
            except AssertionError as error:
                problems.append("%s: %s" % (ident, str(error)[:300]))
        self.assertEqual(problems[:10], [], "%d of %d unkeyed copies changed"
                         % (len(problems), len(found)))

    def check_contents(self, found):
        """The keyed mailboxes in two threads (gpg on both cores), Carol's here."""
        failures = []

        def keyed(address):
            try:
                self.check_keyed_copies(address, found[address])
            except AssertionError as error:
                failures.append(error)
        threads = [threading.Thread(target=keyed, args=(a,)) for a in (BOB, DAVE)]
        for thread in threads:
            thread.start()
        self.check_unkeyed_copies(found[CAROL])
        for thread in threads:
            thread.join()
        if failures:
            raise failures[0]

    # -- scenarios --------------------------------------------------------

    @with_logs
    def test_ten_thousand_messages_fifty_sessions(self):
        count = message_count(10_000)
        expected = self.expected_copies(count)
        total = sum(len(ids) for ids in expected.values())
        load = load_traffic.SmtpLoad(self.stack.smtp_port, count, self.tag, sessions=50)
        sampler = load_traffic.RssSampler(lambda: self.stack.daemon.process.pid,
                                          load.outcome.accepted_total)
        started = time.monotonic()
        sampler.start()
        outcome = load.run()
        sent_in = time.monotonic() - started
        self.wait_for_everything(total, timeout=300)
        delivered_in = time.monotonic() - started
        sampler.stop()
        mailveil_cpu = load_traffic.cpu_seconds(self.stack.daemon.process.pid)
        load_average = os.getloadavg()

        splits = sum(1 for i in range(count) if CAROL in load_traffic.RECIPIENT_CYCLE[
            i % len(load_traffic.RECIPIENT_CYCLE)] and len(load_traffic.RECIPIENT_CYCLE[
                i % len(load_traffic.RECIPIENT_CYCLE)]) > 1)
        peaks = load_traffic.quarter_peaks(sampler.samples, count)
        print("\nload: %d messages (%d copies) over 50 sessions: sent in %.1f s, all delivered "
              "in %.1f s (%.1f messages/s); client 4xx %s; mailveil VmRSS first/last sample "
              "%d/%d kB, quarter peaks %s kB (%d samples); mailveil CPU %.1f s with its gpg "
              "children; load average %s"
              % (count, total, sent_in, delivered_in, count / delivered_in,
                 dict(outcome.tempfails), sampler.samples[0][2], sampler.samples[-1][2], peaks,
                 len(sampler.samples), mailveil_cpu, load_average))
        print("load: VmRSS by tenth of the run (kB): %s" % load_traffic.tenth_peaks(
            sampler.samples, count))
        self.assertEqual(outcome.permanent, [], "permanent failures")
        self.assertEqual(dict(outcome.tempfails), {452: splits} if splits else {},
                         "4xx replies other than one 452 per split message")

        self.assertGreaterEqual(len(sampler.samples), 40, "too few RSS samples to judge")
        if self.daemon_is_sanitized():
            # ASan's quarantine holds freed memory back (up to 256 MB) by
            # design: RSS says nothing there; LeakSanitizer judges at exit.
            print("load: AddressSanitizer build, the RSS bound does not apply")
        else:
            self.assertLessEqual(peaks[3], max(peaks[0], peaks[1]) + RSS_MARGIN_KB,
                                 "mailveil's RSS grew: quarter peaks %s kB" % peaks)
        errors = [line for line in self.stack.daemon.log_text().splitlines()
                  if ": error:" in line or ": warning:" in line]
        # A "slow:" warning says a step took 5 s or more: on a machine busy
        # with other work (or a sanitized daemon) that is the machine's doing.
        # Shown, not judged; whatever it led to is judged below, by delivery.
        slow = [line for line in errors if " slow: " in line]
        print("load: %d slow-step warnings (not counted)%s" % (
            len(slow), "".join("\n  " + line for line in slow[:5])))
        errors = [line for line in errors if " slow: " not in line]
        self.assertEqual(errors[:10], [], "mailveil logged errors or warnings")

        found = self.check_delivered_once(expected)
        self.check_no_plaintext_for_keyed(found)
        self.check_contents(found)
        checked_in = time.monotonic() - started
        print("load: checked in %.1f s in all" % checked_in)
        self.discard_delivered_mail()

    @with_logs
    def test_kill_nine_loses_nothing(self):
        count = message_count(2_000)
        expected = self.expected_copies(count)
        total = sum(len(ids) for ids in expected.values())
        supervisor = Supervisor(self.stack.daemon)
        supervisor.start()
        self.addCleanup(supervisor.stop)
        load = load_traffic.SmtpLoad(self.stack.relay.smtp_port, count, self.tag, sessions=50)
        sender = threading.Thread(target=load.run, daemon=True)
        started = time.monotonic()
        sender.start()

        killed = []
        for kill in range(KILLS):
            threshold = total * (kill + 1) // (KILLS + 2)
            if not wait_until(lambda: self.delivered_count() >= threshold, 300, interval=0.05):
                raise StackError("stuck below %d delivered copies\n%s"
                                 % (threshold, self.stack.diagnostics()))
            killed.append((round(time.monotonic() - started, 1), supervisor.kill_now()))
        sender.join(300)
        self.assertFalse(sender.is_alive(), "the client did not finish")
        self.wait_for_everything(total, timeout=300, flush=(self.stack.relay, self.stack.postfix))
        elapsed = time.monotonic() - started
        supervisor.stop()

        # 452 4.5.3 is mailveil's split of a keyed and an unkeyed recipient,
        # deferred by the relay with or without kills; the rest are the kills'
        deferred = [reply for reply in re.findall(
            r"status=deferred \(host \S+ said: (4\d\d [0-9.]+)",
            self.stack.relay.maillog_text()) if reply != "452 4.5.3"]
        pids = {line.split("]")[0] for line in self.stack.daemon.log_text().splitlines()
                if "decision=" in line}
        found_twice = self.count_duplicates()
        print("\nkill -9: %d messages (%d copies) in %.1f s; killed %s; restarts %s; relay "
              "deferrals %s; daemons that decided %d; client 4xx %s, unknown outcomes %d; "
              "copies delivered twice %d"
              % (count, total, elapsed, killed, [(round(t, 2), old, new) for t, old, _, new
                                                  in supervisor.restarts],
                 dict(collections.Counter(deferred)), len(pids), dict(load.outcome.tempfails),
                 load.outcome.unknown_outcome, found_twice))
        # A start right after a kill can find the port still held (see the
        # README): that daemon exits with a log line and is started again.
        self.assertEqual(sum(1 for _, _, status, _ in supervisor.restarts if status == -9), KILLS)
        self.assertEqual([status for _, _, status, _ in supervisor.restarts
                          if status != -9 and status <= 0], [], "daemons that crashed")
        self.assertEqual(load.outcome.permanent, [], "permanent failures")
        self.assertGreater(len(deferred), 0, "no kill hit a message in flight")
        self.assertEqual(len(pids), KILLS + 1, "daemons that logged decisions")
        found = self.check_delivered_once(expected)
        self.check_no_plaintext_for_keyed(found)
        self.check_contents(found)
        self.discard_delivered_mail()

    def discard_delivered_mail(self):
        """After every check passed: the run's 250 MB of Maildirs go, so that the
        suite's later tests (and the sanitizer part after this one) do not run
        short of disk; a failed run keeps them for a look."""
        shutil.rmtree(self.stack.postfix.mail_base, ignore_errors=True)

    def daemon_is_sanitized(self):
        with open("/proc/%d/maps" % self.stack.daemon.process.pid) as maps:
            return "libasan" in maps.read()

    def count_duplicates(self):
        return sum(len(paths) - 1 for address in ADDRESSES for ident, paths in
                   load_traffic.delivered_by_id(
                       self.stack.postfix.delivered_files(address)).items() if len(paths) > 1)


def _read(path):
    with open(path, "rb") as source:
        return source.read()


for _name in BORROWED_CHECKS:
    setattr(LoadTest, _name, getattr(test_postfix.PostfixTest, _name))


if __name__ == "__main__":
    unittest.main()
