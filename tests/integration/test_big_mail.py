"""Big and many messages through Postfix and mailveil, with the daemon's memory measured.

mailveil spools a body above spool_threshold to a nameless file in tmpdir and
encrypts it as a stream (core/spooled_encryption.h). This test sends a 50 MB
message with two large attachments to a keyed recipient and checks:

* it is delivered encrypted, and the recipient's key decrypts it to the
  attachments' exact bytes;
* the daemon's peak resident memory (VmHWM) stayed under 64 MB, far below
  the message size, so the body was never held in memory;
* the spool directory is empty afterwards (nameless files leave nothing).

A second scenario sends 100 messages of 1 MB in 100 sessions at once
(Postfix's smtp-source): all are encrypted, and the daemon's peak stays under
256 MB, bounded by body_memory_limit and the processing slots rather than by
the number of sessions.

Run through CTest:
    python3 -m unittest -v test_big_mail.BigMailTest.test_fifty_megabytes_encrypted_in_bounded_memory
"""

import base64
import email
import email.policy
import os
import pwd
import subprocess
import unittest

import messages
import prerequisites
from mta import MailStack
from test_postfix import BOB, KEYED, UNKEYED, with_logs

RSS_LIMIT_KB = 64 * 1024
# 100 sessions with a 1 MB message each, at once: the daemon held 448 MB
# before body_memory_limit and the processing slots (milter/body_memory.h,
# milter/processing_slot.h), 276 MB with the first alone, 136-168 MB with both
# (the bound: a constant + about 5 x body_memory_limit + a few MB per slot).
SESSIONS = 100
CONCURRENT_RSS_LIMIT_KB = 256 * 1024
ATTACHMENT_BYTES = 18 * 1024 * 1024  # two of them: about 50 MB once base64-encoded


def peak_rss_kb(pid):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM for pid %d" % pid)


def big_message(attachments):
    parts = [b"From: Sender <sender@example.net>\n"
             b"To: Bob <bob@example.org>\n"
             b"Subject: The quarterly archive\n"
             b"Date: Sat, 28 Nov 2026 10:00:00 +0000\n"
             b"Message-ID: <big-archive@example.net>\n"
             b"MIME-Version: 1.0\n"
             b"Content-Type: multipart/mixed; boundary=\"=_big_\"\n\n"
             b"--=_big_\n"
             b"Content-Type: text/plain; charset=utf-8\n\n"
             b"Both archives are attached.\n"]
    for index, data in enumerate(attachments):
        parts.append(b"--=_big_\n"
                     b"Content-Type: application/octet-stream\n"
                     b"Content-Disposition: attachment; filename=\"archive-%d.bin\"\n"
                     b"Content-Transfer-Encoding: base64\n\n" % index)
        parts.append(base64.encodebytes(data))
    parts.append(b"--=_big_--\n")
    return b"".join(parts)


class BigMailTest(unittest.TestCase):

    def setUp(self):
        prerequisites.require()
        # In the sanitizer build, AddressSanitizer keeps up to 256 MB of freed
        # memory in quarantine, so the peak would count every buffer ever freed;
        # a small quarantine makes the peak measure live memory again (the
        # daemon inherits this; other builds ignore it).
        os.environ.setdefault("ASAN_OPTIONS",
                              "quarantine_size_mb=4:thread_local_quarantine_size_kb=256")
        root = prerequisites.scratch_folder("big_", self._testMethodName)
        self.spool = os.path.join(root + "-spool")
        os.makedirs(self.spool, exist_ok=True)
        os.chmod(self.spool, 0o700)
        self.stack = MailStack(root, prerequisites.binary("MAILVEIL_BIN"), KEYED, UNKEYED,
                               {"tmpdir": self.spool})
        # Postfix's own limits (10 MB per message, 50 MB per mailbox file) would
        # refuse the message or its encrypted delivery; 0 is "no limit".
        self.stack.postfix.main_cf.update({"message_size_limit": "200000000",
                                           "mailbox_size_limit": "0",
                                           "virtual_mailbox_limit": "0"})
        self.addCleanup(self.stack.stop)
        self.stack.start()
        owner = pwd.getpwnam("mailveil")
        os.chown(self.spool, owner.pw_uid, owner.pw_gid)

    @with_logs
    def test_fifty_megabytes_encrypted_in_bounded_memory(self):
        attachments = [os.urandom(ATTACHMENT_BYTES) for _ in range(2)]
        sent = big_message(attachments)
        self.assertGreater(len(sent), 49 * 1000 * 1000)
        queue_id = self.stack.send_accepted(sent, [BOB])
        delivered = self.stack.wait_for_delivery(BOB, timeout=240)[0]

        peak = peak_rss_kb(self.stack.daemon.process.pid)
        print("mailveil peak RSS: %d kB for a %d byte message" % (peak, len(sent)))
        self.assertLess(peak, RSS_LIMIT_KB,
                        "mailveil's peak RSS was %d kB for a %d byte message"
                        % (peak, len(sent)))

        armored = messages.encrypted_payload(delivered)
        plaintext, _ = self.stack.people[BOB].home.decrypt(armored)
        payload = email.message_from_bytes(plaintext, policy=email.policy.default)
        self.assertEqual(payload["Subject"], "The quarterly archive")
        got = {part.get_filename(): part.get_payload(decode=True)
               for part in payload.walk() if part.get_filename()}
        self.assertEqual(sorted(got), ["archive-0.bin", "archive-1.bin"])
        for index, data in enumerate(attachments):
            self.assertTrue(got["archive-%d.bin" % index] == data,
                            "archive-%d.bin differs after decryption" % index)
        self.assertIn(b"Subject: [...]", delivered[:4000])

        entries = self.stack.daemon.decisions_for(queue_id)
        self.assertEqual([e.get("decision") for e in entries], ["encrypted"])
        self.assertEqual(os.listdir(self.spool), [], "files left in the spool directory")

    @with_logs
    def test_hundred_concurrent_sessions_in_bounded_memory(self):
        text = base64.encodebytes(os.urandom(750 * 1024))
        message = (b"From: Sender <sender@example.net>\r\n"
                   b"To: Bob <bob@example.org>\r\n"
                   b"Subject: One of many\r\n"
                   b"MIME-Version: 1.0\r\n"
                   b"Content-Type: application/octet-stream\r\n"
                   b"Content-Transfer-Encoding: base64\r\n\r\n"
                   + text.replace(b"\n", b"\r\n"))
        message_file = os.path.join(self.stack.root, "one-megabyte.eml")
        with open(message_file, "wb") as out:
            out.write(message)
        # smtp-source (Postfix's own load generator): SESSIONS sessions at once,
        # one message each.
        result = subprocess.run(
            ["smtp-source", "-s", str(SESSIONS), "-m", str(SESSIONS), "-F", message_file,
             "-f", "sender@example.net", "-t", BOB,
             "127.0.0.1:%d" % self.stack.postfix.smtp_port],
            capture_output=True, timeout=600)
        self.assertEqual(result.returncode, 0, result.stderr.decode(errors="replace")[-2000:])
        delivered = self.stack.wait_for_delivery(BOB, count=SESSIONS, timeout=600)

        decisions = [e.get("decision") for e in self.stack.daemon.decisions()]
        self.assertEqual(decisions, ["encrypted"] * SESSIONS)
        for copy in delivered:
            self.assertIn(b"multipart/encrypted", copy[:4000])
        plaintext, _ = self.stack.people[BOB].home.decrypt(
            messages.encrypted_payload(delivered[0]))
        self.assertIn(text[:76].rstrip(), plaintext.replace(b"\r\n", b"\n"))

        peak = peak_rss_kb(self.stack.daemon.process.pid)
        print("mailveil peak RSS: %d kB for %d concurrent 1 MB messages" % (peak, SESSIONS))
        with open("/proc/%d/maps" % self.stack.daemon.process.pid) as maps:
            if "libasan" in maps.read():
                print("AddressSanitizer build: the RSS bound does not apply")
                return
        self.assertLess(peak, CONCURRENT_RSS_LIMIT_KB,
                        "mailveil's peak RSS was %d kB for %d concurrent 1 MB messages"
                        % (peak, SESSIONS))
        self.assertEqual(os.listdir(self.spool), [], "files left in the spool directory")


if __name__ == "__main__":
    unittest.main()
