"""mailveil behind a real Sendmail 8.17 (INPUT_MAIL_FILTER): one test per scenario.

The same cast and checks as test_postfix.py, with Sendmail in Postfix's place
(see sendmail.py): Sendmail on a loopback port with mailveil as its input mail
filter (``F=T``: tempfail when mailveil is unreachable), Bob and Dave with
keys, Carol without, one Maildir per person written by Sendmail's local
mailer. Each test sends with swaks, waits for delivery and checks the bytes
that arrived:

* encrypted mail is RFC 3156 PGP/MIME to exactly the recipients' keys, and
  each recipient's own key decrypts it to the sent MIME entity byte for byte;
* passed mail arrives with the body and every header field as sent (Sendmail
  adds only Received and Return-Path);
* mailveil logged exactly one decision line with Sendmail's queue id (the
  ``i`` macro), and mailveil-filter decides the same for the same bytes.

The checks, and the scenarios that do not depend on the MTA, are
test_postfix.PostfixTest's own, borrowed below, not copied (BORROWED_CHECKS,
SHARED_SCENARIOS): they look only at the stack's people, keyrings, daemon log
and the delivered bytes, which SendmailStack provides like MailStack, and at
the queue id through self.deliver, which reads Sendmail's here. A scenario
added there is added here by naming it in SHARED_SCENARIOS (and in
CMakeLists.txt). Of its own this file has the two that differ: the queue id
of every already-encrypted message, and mailveil down (F=T).

Sendmail is not installed (it conflicts with Postfix): sendmail-bin and
sendmail-cf are fetched with apt-get download and unpacked once per build
tree into $MAILVEIL_IT_SCRATCH/sendmail-package/.

    python3 -m unittest -v test_sendmail.SendmailTest.test_plain_text_is_encrypted
"""

import os
import re
import unittest
from pathlib import Path

import prerequisites
import test_postfix
from sendmail import SendmailStack, SendmailUnavailable, received_queue_id, unpacked_sendmail
from test_postfix import BOB, KEYED, UNKEYED, data, with_logs

COMMANDS = ("swaks", "gpg", "gpgconf", "notmuch", "m4", "unshare", "mount", "apt-get",
            "dpkg", "ldd")
PACKAGES = "swaks gnupg notmuch m4 util-linux mount libwrap0 liblockfile1"
# the checks of the Postfix tests that judge delivered bytes and logs only
BORROWED_CHECKS = ("assertSameBytes", "assert_encrypted_for", "assert_outer_headers_kept",
                   "assert_unchanged", "assert_one_decision", "assert_filter_agrees",
                   "assert_notmuch_reads", "attachment", "protects_headers")
# PostfixTest's scenarios that run here as they are: they send through
# self.deliver / self.stack.send and judge only what arrived and the logs
SHARED_SCENARIOS = ("test_plain_text_is_encrypted",
                    "test_multipart_utf8_attachment_is_encrypted_exactly",
                    "test_recipient_without_key_gets_plaintext",
                    "test_two_keyed_recipients_both_decrypt",
                    "test_split_keyed_and_unkeyed_recipients")


class SendmailTest(unittest.TestCase):

    def setUp(self):
        prerequisites.require(COMMANDS, PACKAGES)
        try:
            unpacked = unpacked_sendmail(os.path.join(prerequisites.scratch_root(),
                                                      "sendmail-package"))
        except SendmailUnavailable as error:
            prerequisites.report_missing([str(error)])
        self.stack = SendmailStack(prerequisites.scratch_folder("sm_", self._testMethodName),
                                   prerequisites.binary("MAILVEIL_BIN"), KEYED, UNKEYED, unpacked,
                                   test_postfix.STACK_SETTINGS.get(self._testMethodName))
        self.addCleanup(self.stack.stop)
        self.stack.start()

    def deliver(self, sent, recipients):
        """Sends over SMTP; returns (queue id, {address: delivered bytes})."""
        queue_id = self.stack.send_accepted(sent, recipients)
        delivered = {address: self.stack.wait_for_delivery(address)[0] for address in recipients}
        for address, raw in delivered.items():
            self.assertEqual(received_queue_id(raw), queue_id,
                             "queue id in the Received field for %s" % address)
        return queue_id, delivered

    # -- scenarios of its own (the shared ones: SHARED_SCENARIOS) --------

    @with_logs
    def test_already_encrypted_passes_unchanged(self):
        for name in ("pgp_mime_encrypted.eml", "inline_pgp.eml", "smime_encrypted.eml"):
            with self.subTest(message=name):
                sent = data(name)
                queue_id = self.stack.send_accepted(sent, [BOB])
                delivered = self.stack.wait_for_delivery(BOB, count=self.stack.sent)[-1]
                self.assertEqual(received_queue_id(delivered), queue_id)
                self.assert_unchanged(delivered, sent)
                self.assert_one_decision(queue_id, sent, [BOB], decision="passed",
                                         reason="already-encrypted", rcpts="1")

    @with_logs
    def test_mailveil_down_tempfails_then_encrypts(self):
        """F=T: with mailveil down Sendmail answers 4xx and keeps nothing;
        mailveil back, the client's retry arrives encrypted."""
        sent = data("plain.eml")
        self.stack.stop_mailveil()
        refused = self.stack.send(sent, [BOB])
        self.assertNotEqual(refused.returncode, 0, "swaks succeeded with mailveil down")
        self.assertTrue(any(re.search(r"\b451[ -]4\.3\.2\b", reply) for reply in refused.replies),
                        "no 451 4.3.2 while mailveil is down:\n%s" % refused.transcript)
        self.assertIsNone(refused.queue_id)
        self.assertIn("Milter (mailveil): error connecting to filter",
                      Path(self.stack.sendmail.maillog).read_text(errors="replace"))
        self.assertEqual(self.stack.sendmail.queued_ids(), [], "queued while mailveil was down")
        self.assertEqual(self.stack.delivered(BOB), [], "delivered while mailveil was down")

        self.stack.start_mailveil()
        queue_id, delivered = self.deliver(sent, [BOB])
        self.assert_encrypted_for(delivered[BOB], sent, [BOB])
        self.assert_one_decision(queue_id, sent, [BOB], decision="encrypted", rcpts="1")


for _name in BORROWED_CHECKS + SHARED_SCENARIOS:
    setattr(SendmailTest, _name, vars(test_postfix.PostfixTest)[_name])


if __name__ == "__main__":
    unittest.main()
