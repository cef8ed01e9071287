"""mailveil behind a real Postfix: one test per scenario, judged on delivered bytes.

Each test gets a fresh stack (see mta.py) under $MAILVEIL_IT_SCRATCH/<first two
words of the scenario>:
Postfix on a loopback port with mailveil as its milter, three people
(Bob and Dave have keys, Carol has none), and one Maildir per person. It
sends with swaks (or Postfix's sendmail), waits for delivery by polling the
Maildir, and checks what arrived:

* encrypted mail is RFC 3156 PGP/MIME, encrypted to exactly the recipients'
  keys; each recipient's own secret key decrypts it to the original MIME
  entity, byte for byte (Content-* fields, blank line, body; CRLF), or, with
  header protection (the default), to its RFC 9788 payload (see
  messages.protected_payload_problems), with "Subject: [...]" outside;
* passed mail arrives with the body and every header field as sent;
* mailveil logged exactly one decision line with Postfix's queue id, and the
  offline mailveil-filter reaches the same decision for the same input.

Postfix stores and delivers with LF line ends, so delivered bytes are
compared with the sent ones after CRLF -> LF. On failure the message
includes the Postfix maillog tail, the queue and mailveil's log.

Run through CTest (it passes the binaries' paths), one scenario at a time:
    python3 -m unittest -v test_postfix.PostfixTest.test_plain_text_is_encrypted
"""

import base64
import functools
import os
import re
import subprocess
import unittest
from pathlib import Path

import messages
import notmuch_reader
import prerequisites
from mta import MailStack, StackError
from postfix import wait_until

HERE = os.path.dirname(os.path.abspath(__file__))
BOB, CAROL, DAVE = "bob@example.org", "carol@example.org", "dave@example.org"
KEYED = [("Bob", BOB), ("Dave", DAVE)]
UNKEYED = [("Carol", CAROL)]
# what Postfix adds to every delivered message (the .eml files have their own
# Date and Message-ID, so Postfix adds none of those)
TRACE_FIELDS = {"return-path", "x-original-to", "delivered-to", "received"}
# mailveil.conf settings of the scenarios that do not run on the defaults
STACK_SETTINGS = {
    # the first slice's all-or-nothing rule for recipients with and without keys
    "test_keyed_and_unkeyed_recipient_both_get_plaintext": {"mixed_recipients": "plaintext"},
    # the plain RFC 3156 payload (no header protection), checked byte for byte
    "test_multipart_utf8_attachment_is_encrypted_exactly": {"protect_headers": "no"},
}


def data(name):
    with open(os.path.join(HERE, "data", name), "rb") as source:
        return source.read()


def with_logs(test):
    """Adds the maillog, queue and mailveil log to any failure of test."""
    @functools.wraps(test)
    def wrapper(self):
        try:
            test(self)
        except (unittest.SkipTest, StackError):
            raise  # a StackError already carries them
        except Exception as error:
            error.args = ("%s\n\n%s" % (error, self.stack.diagnostics()),)
            raise
    return wrapper


def first_difference(actual, expected):
    """A readable account of where two byte strings part."""
    index = next((i for i, (a, b) in enumerate(zip(actual, expected)) if a != b),
                 min(len(actual), len(expected)))
    return ("lengths %d (got) vs %d (expected); first difference at byte %d:\n"
            "  got:      %r\n  expected: %r" % (len(actual), len(expected), index,
                                               actual[max(0, index - 40):index + 40],
                                               expected[max(0, index - 40):index + 40]))


class PostfixTest(unittest.TestCase):

    def setUp(self):
        prerequisites.require()
        self.stack = MailStack(prerequisites.scratch_folder("pf_", self._testMethodName),
                               prerequisites.binary("MAILVEIL_BIN"), KEYED, UNKEYED,
                               STACK_SETTINGS.get(self._testMethodName))
        self.addCleanup(self.stack.stop)
        self.stack.start()

    # -- checks ---------------------------------------------------------

    def assertSameBytes(self, actual, expected, what):
        if actual != expected:
            self.fail("%s differs: %s" % (what, first_difference(actual, expected)))

    def assert_encrypted_for(self, delivered, sent, addresses):
        """delivered is PGP/MIME to exactly these people; each decrypts it to sent's entity."""
        armored = messages.encrypted_payload(delivered)
        people = [self.stack.people[address] for address in addresses]
        expected_ids = sorted(key_id for person in people
                              for key_id in person.home.encryption_subkey_ids(person.fingerprint))
        self.assertEqual(self.stack.milter_home.recipient_key_ids(armored), expected_ids,
                         "the message is not encrypted to exactly the recipients' subkeys")
        entity = messages.original_entity(sent)
        for person in people:
            plaintext, _ = person.home.decrypt(armored)
            if self.protects_headers():
                self.assertEqual(messages.protected_payload_problems(plaintext, sent), [],
                                 "the RFC 9788 payload %s decrypts" % person.address)
                entity = plaintext
            else:
                self.assertSameBytes(
                    plaintext, entity,
                    "the entity %s decrypts (vs. the sent Content-* fields + body)"
                    % person.address)
        return entity

    def protects_headers(self):
        return self.stack.mailveil_settings.get("protect_headers", "yes") == "yes"

    def assert_outer_headers_kept(self, delivered, sent):
        """Every non-MIME field of sent arrives unchanged and in order; the only
        other fields are Postfix's trace fields and one MIME-Version and
        Content-Type (no Content-* field of the original stays outside)."""
        kept = [b"Subject: [...]" if name == "subject" and self.protects_headers()
                else messages.to_lf(text) for name, text in messages.header_fields(sent)
                if not (name.startswith("content-") or name == "mime-version")]
        arrived = [messages.to_lf(text) for _, text in messages.header_fields(delivered)]
        missing = [field for field in kept if field not in arrived]
        self.assertEqual(missing, [], "outer header fields lost or altered")
        positions = [arrived.index(field) for field in kept]
        self.assertEqual(positions, sorted(positions), "outer header fields reordered")
        added = sorted(name for name, text in messages.header_fields(delivered)
                       if messages.to_lf(text) not in kept and name not in TRACE_FIELDS)
        self.assertEqual(added, ["content-type", "mime-version"],
                         "fields besides the kept ones and Postfix's trace fields")

    def assert_unchanged(self, delivered, sent):
        """delivered is sent, byte for byte, plus only the trace fields Postfix prepends."""
        self.assertSameBytes(messages.body(delivered), messages.to_lf(messages.body(sent)),
                             "the delivered body (vs. the sent one)")
        sent_fields = [messages.to_lf(text) for _, text in messages.header_fields(sent)]
        delivered_fields = [(name, messages.to_lf(text))
                            for name, text in messages.header_fields(delivered)]
        self.assertEqual([text for name, text in delivered_fields if name not in TRACE_FIELDS],
                         sent_fields, "the header fields differ from the sent ones")

    def assert_one_decision(self, queue_id, sent, recipients, **expected):
        """One log line for queue_id with the expected fields; mailveil-filter agrees."""
        entries = self.stack.daemon.decisions_for(queue_id)
        self.assertEqual(len(entries), 1, "expected one decision line for queue_id=%s, got %r"
                         % (queue_id, entries))
        for field, value in expected.items():
            self.assertEqual(entries[0].get(field), value, "decision field %s" % field)
        self.assert_filter_agrees(sent, recipients, entries[0])
        return entries[0]

    def assert_filter_agrees(self, sent, recipients, logged):
        """mailveil-filter -v on the same bytes and recipients decides the same way."""
        command = [prerequisites.binary("MAILVEIL_FILTER_BIN"), "-v",
                   "-k", self.stack.milter_home.path]
        for recipient in recipients:
            command += ["-r", recipient]
        result = subprocess.run(command, input=sent, capture_output=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr.decode(errors="replace"))
        offline = dict(re.findall(r"(\w+)=(\S*)", result.stderr.decode()))
        for field in ("decision", "reason", "rcpts", "keys"):
            self.assertEqual(logged.get(field), offline.get(field),
                             "mailveil and mailveil-filter disagree on %s" % field)

    def deliver(self, sent, recipients):
        """Sends over SMTP; returns (queue id, {address: delivered bytes})."""
        queue_id = self.stack.send_accepted(sent, recipients)
        delivered = {address: self.stack.wait_for_delivery(address)[0] for address in recipients}
        for address, raw in delivered.items():
            self.assertEqual(messages.postfix_queue_id(raw), queue_id,
                             "queue id in the Received field for %s" % address)
        return queue_id, delivered

    # -- scenarios ------------------------------------------------------

    @with_logs
    def test_plain_text_is_encrypted(self):
        sent = data("plain.eml")
        queue_id, delivered = self.deliver(sent, [BOB])
        self.assert_encrypted_for(delivered[BOB], sent, [BOB])
        self.assert_outer_headers_kept(delivered[BOB], sent)
        self.assert_one_decision(queue_id, sent, [BOB], decision="encrypted", rcpts="1",
                                 keys=self.stack.people[BOB].fingerprint)
        # notmuch knows protected headers: it shows the Subject hidden outside
        self.assert_notmuch_reads(BOB, b"shall we meet at noon on Friday?",
                                  subject=messages.parse(sent)["Subject"])

    def assert_notmuch_reads(self, address, text, subject=None):
        """notmuch, with the recipient's key, decrypts and shows text in a text part
        (and, when given, subject as the message's Subject)."""
        person = self.stack.people[address]
        reader = notmuch_reader.NotmuchReader(
            self.stack.postfix.maildir(address), person.home.path,
            os.path.join(self.stack.root, "notmuch-%s.conf" % address.split("@")[0]), address)
        reader.index()
        shown = notmuch_reader.messages(reader.show())
        self.assertEqual(len(shown), 1, "notmuch sees %d messages" % len(shown))
        types = [part.get("content-type") for part in notmuch_reader.parts(shown[0])]
        self.assertIn("multipart/encrypted", types)
        if subject is not None:
            self.assertEqual(shown[0]["headers"].get("Subject"), subject,
                             "the Subject notmuch shows")
        texts = notmuch_reader.text_contents(shown[0])
        self.assertTrue(any(text.decode() in content for content in texts),
                        "notmuch shows no text part with %r; parts %r, texts %r"
                        % (text, types, texts))

    @with_logs
    def test_multipart_utf8_attachment_is_encrypted_exactly(self):
        # 150 kB of fresh random bytes: the body reaches mailveil in several
        # 64 kB milter chunks. The top-level Content-Type has no space after
        # the colon and a tab-folded continuation, which must survive too.
        attachment = os.urandom(150_000)
        sent = data("multipart_utf8.eml").replace(
            b"@ATTACHMENT_BASE64@\n", base64.encodebytes(attachment))
        queue_id, delivered = self.deliver(sent, [BOB])
        entity = self.assert_encrypted_for(delivered[BOB], sent, [BOB])
        self.assert_outer_headers_kept(delivered[BOB], sent)
        self.assertIn("X-Greeting: Grüße aus Köln — 東京 ✓\n".encode(), delivered[BOB],
                      "the raw UTF-8 X-Greeting field did not arrive as sent")
        self.assertEqual(messages.parse(delivered[BOB])["Subject"], "Grüße aus Köln – 東京 ✓")
        self.assertEqual(self.attachment(entity), attachment,
                         "the decrypted attachment differs from the random bytes sent")
        self.assert_one_decision(queue_id, sent, [BOB], decision="encrypted", rcpts="1")
        self.assert_notmuch_reads(BOB, "東京の天気は晴れです。 ✓".encode())

    @staticmethod
    def attachment(raw):
        """The decoded bytes of the report.bin part of a message or entity."""
        for part in messages.parse(raw).walk():
            if part.get_filename() == "report.bin":
                return part.get_payload(decode=True)
        raise AssertionError("no report.bin attachment")

    @with_logs
    def test_recipient_without_key_gets_plaintext(self):
        sent = data("plain.eml")
        queue_id, delivered = self.deliver(sent, [CAROL])
        self.assert_unchanged(delivered[CAROL], sent)
        self.assert_one_decision(queue_id, sent, [CAROL], decision="passed", reason="no-key",
                                 rcpts="1", keyless="1")

    @with_logs
    def test_already_encrypted_passes_unchanged(self):
        for name in ("pgp_mime_encrypted.eml", "inline_pgp.eml", "smime_encrypted.eml"):
            with self.subTest(message=name):
                sent = data(name)
                queue_id = self.stack.send_accepted(sent, [BOB])
                delivered = self.stack.wait_for_delivery(BOB, count=self.stack.sent)[-1]
                self.assertEqual(messages.postfix_queue_id(delivered), queue_id)
                self.assert_unchanged(delivered, sent)
                self.assert_one_decision(queue_id, sent, [BOB], decision="passed",
                                         reason="already-encrypted", rcpts="1")

    @with_logs
    def test_two_keyed_recipients_both_decrypt(self):
        sent = data("plain.eml")
        queue_id, delivered = self.deliver(sent, [BOB, DAVE])
        for address in (BOB, DAVE):
            self.assert_encrypted_for(delivered[address], sent, [BOB, DAVE])
        self.assertEqual(messages.encrypted_payload(delivered[BOB]),
                         messages.encrypted_payload(delivered[DAVE]),
                         "encrypted once for both: the two copies should carry one ciphertext")
        entry = self.assert_one_decision(queue_id, sent, [BOB, DAVE], decision="encrypted",
                                         rcpts="2")
        fingerprints = {self.stack.people[a].fingerprint for a in (BOB, DAVE)}
        self.assertEqual(set(entry["keys"].split(",")), fingerprints)

    @with_logs
    def test_keyed_and_unkeyed_recipient_both_get_plaintext(self):
        sent = data("plain.eml")
        queue_id, delivered = self.deliver(sent, [BOB, CAROL])
        for address in (BOB, CAROL):
            self.assert_unchanged(delivered[address], sent)
        self.assert_one_decision(queue_id, sent, [BOB, CAROL], decision="passed",
                                 reason="no-key", rcpts="2", keyless="1")

    @with_logs
    def test_split_keyed_and_unkeyed_recipients(self):
        """mixed_recipients = split (the default): the unkeyed recipient gets
        452 4.5.3 at RCPT; the keyed one gets the message encrypted; sent again
        on its own, as a sending MTA does, the unkeyed one gets plaintext."""
        sent = data("plain.eml")
        result = self.stack.send(sent, [BOB, CAROL])
        self.assertTrue(any(re.search(r"\b452[ -]4\.5\.3\b", reply) for reply in result.replies),
                        "no 452 4.5.3 for the second recipient:\n%s" % result.transcript)
        self.assertIsNotNone(result.queue_id, "the keyed recipient was not accepted")
        delivered = self.stack.wait_for_delivery(BOB)[0]
        self.assert_encrypted_for(delivered, sent, [BOB])
        self.assertEqual(self.stack.delivered(CAROL), [], "carol got the first transaction")
        deferred = [entry for entry in self.stack.daemon.decisions()
                    if entry.get("rcpt") == "<%s>" % CAROL]
        self.assertEqual([(e.get("decision"), e.get("reason")) for e in deferred],
                         [("deferred", "split")])

        queue_id, again = self.deliver(sent, [CAROL])
        self.assert_unchanged(again[CAROL], sent)
        self.assert_one_decision(queue_id, sent, [CAROL], decision="passed", reason="no-key",
                                 rcpts="1", keyless="1")

    @with_logs
    def test_broken_keyring_tempfails_never_plaintext(self):
        """The keyring vanishes, then turns to garbage, while mailveil runs:
        451 4.3.0 each time, nothing delivered (GnuPG alone would say "no key")."""
        sent = data("plain.eml")
        home = self.stack.milter_home.path
        pubring = os.path.join(home, "pubring.kbx")
        original = Path(pubring).read_bytes()
        os.rename(home, home + ".gone")
        try:
            gone = self.stack.send(sent, [BOB])
        finally:
            os.rename(home + ".gone", home)
        Path(pubring).write_bytes(b"\x5a" * 600)
        try:
            garbage = self.stack.send(sent, [BOB])
        finally:
            Path(pubring).write_bytes(original)
        for result in (gone, garbage):
            self.assertTrue(any(re.search(r"\b451[ -]4\.3\.0\b", reply) for reply in result.replies),
                            "no 451 4.3.0 with a broken keyring:\n%s" % result.transcript)
            self.assertIsNone(result.queue_id, "accepted with a broken keyring")
        self.assertEqual(self.stack.delivered(BOB), [], "delivered with a broken keyring")
        tempfails = [e for e in self.stack.daemon.decisions() if e.get("decision") == "tempfail"]
        self.assertEqual(len(tempfails), 2, tempfails)
        self.assertIn("gone", tempfails[0]["reason"])
        self.assertIn("not a GnuPG keyring", tempfails[1]["reason"])

        # repaired: the next message is encrypted again
        queue_id, delivered = self.deliver(sent, [BOB])
        self.assert_encrypted_for(delivered[BOB], sent, [BOB])

    @with_logs
    def test_mailveil_down_mail_waits_in_queue(self):
        sent = data("plain.eml")
        self.stack.stop_mailveil()

        # SMTP: Postfix answers 4xx (milter_default_action = tempfail), the
        # client keeps the message; nothing is queued here.
        refused = self.stack.send(sent, [BOB])
        self.assertNotEqual(refused.returncode, 0, "swaks succeeded with mailveil down")
        self.assertTrue(any(re.search(r"\b4\d\d[ -]", reply) for reply in refused.replies),
                        "no 4xx reply while mailveil is down:\n%s" % refused.transcript)
        self.assertIsNone(refused.queue_id)

        # sendmail(1): the message is stored, then held in the queue.
        self.stack.postfix.sendmail(sent, "sender@example.net", [BOB])
        self.wait_for_maillog(r"cleanup\[\d+\]: \w+: milter-reject: .* 4\.7\.1 ")
        held = self.stack.postfix.queued_ids()
        self.assertEqual(len(held), 1, "postqueue -p:\n%s" % self.stack.postfix.queue_listing())
        self.assertEqual(self.stack.delivered(BOB), [], "delivered while mailveil was down")

        # mailveil back: flushing delivers it encrypted; the SMTP client retries.
        self.stack.start_mailveil()
        self.stack.postfix.flush()
        first = self.stack.wait_for_delivery(BOB, count=1)[0]
        retried = self.stack.send_accepted(sent, [BOB])
        second = self.stack.wait_for_delivery(BOB, count=2)[1]
        self.stack.wait_until_idle()
        for delivered in (first, second):
            self.assert_encrypted_for(delivered, sent, [BOB])
            self.assert_one_decision(messages.postfix_queue_id(delivered), sent, [BOB],
                                     decision="encrypted", rcpts="1")
        self.assertEqual(messages.postfix_queue_id(second), retried)
        self.assertEqual(len(self.stack.delivered(BOB)), 2, "nothing lost, nothing doubled")

    def wait_for_maillog(self, pattern, timeout=30):
        """Polls the Postfix maillog until a line matches pattern."""
        def seen():
            return re.search(pattern, Path(self.stack.postfix.maillog).read_text(errors="replace"))
        self.assertTrue(wait_until(seen, timeout), "no maillog line matching %r" % pattern)


if __name__ == "__main__":
    unittest.main()
