"""HTML mail through Postfix + mailveil: html_encrypted and html_plain, judged on delivered bytes.

The stack is test_postfix's (mta.MailStack: Postfix on loopback, mailveil as
its milter, Bob and Dave with keys, Carol without). Each scenario sends one of
two messages and checks what arrived:

* ``data/html_only.eml``: a text/html part in ISO-8859-1, quoted-printable,
  with a style sheet, a tracking pixel, a list and a link;
* ``data/html_alternative.eml``: multipart/alternative of the sender's own
  text/plain and a multipart/related (HTML + an inline cid: image).

Encrypted mail is decrypted with the recipient's key; the text must read
exactly as EXPECTED_TEXT (or, for the alternative, as the sender's own text,
byte for byte) and, in ``text`` mode, no HTML may remain anywhere in the
payload. A header-protection legacy display (flagged hp-legacy-display="1":
"Subject: ..." lines and a blank line leading a text part, a <div> after an
HTML part's <body> tag) is set aside before a part is compared.

    python3 -m unittest -v test_html.HtmlTest.test_html_only_becomes_text_when_encrypted
"""

import os
import re
import unittest

import messages
import prerequisites
import test_postfix
from mta import MailStack
from test_postfix import BOB, CAROL, KEYED, UNKEYED, data, with_logs

# What the converter makes of html_only.eml (html/ rules: heading underlined,
# paragraphs a blank line apart, bullets, link reference and list; no CSS,
# no pixel); UTF-8 from the ISO-8859-1 source.
EXPECTED_TEXT = ("Quarterly report\n"
                 "================\n"
                 "\n"
                 "Hello Bob,\n"
                 "\n"
                 "the numbers are up by 5 % in Z\u00fcrich.\n"
                 "\n"
                 "* Revenue\n"
                 "* Costs\n"
                 "\n"
                 "Details: the report [1]\n"
                 "\n"
                 "[1] https://example.net/report\n")
# The sender's own text/plain alternative in html_alternative.eml.
SENDER_TEXT = "Hi Bob,\n\nlunch at the Caf\u00e9 on Friday, 12:30?\n\nSam\n"
# mailveil.conf settings of the scenarios that do not run on the defaults
STACK_SETTINGS = {
    "test_html_only_gets_alternative_when_encrypted": {"html_encrypted": "alternative"},
    "test_html_plain_alternative_for_unkeyed_recipient": {"html_plain": "alternative"},
}
BORROWED_CHECKS = ("assertSameBytes", "assert_unchanged", "assert_one_decision",
                   "assert_filter_agrees", "deliver")
HTML_MARKUP = re.compile(rb"<\s*/?\s*(html|body|head|p|b|img|style|ul|li|a|h1)\b", re.I)


def leaves(message):
    return [part for part in message.walk() if not part.is_multipart()]


def types_of(message):
    return [part.get_content_type() for part in message.walk()]


def shown_text(part):
    """A text part's decoded text with LF line ends, legacy display set aside."""
    text = part.get_payload(decode=True).decode(part.get_content_charset() or "us-ascii")
    text = text.replace("\r\n", "\n")
    if part.get_param("hp-legacy-display") == "1":
        display, _, text = text.partition("\n\n")
        assert all(line.startswith("Subject: ") for line in display.split("\n")), display
    return text


def shown_html(part):
    """An HTML part's decoded bytes with LF line ends, legacy display set aside."""
    html = messages.to_lf(part.get_payload(decode=True))
    if part.get_param("hp-legacy-display") == "1":
        html = re.sub(rb'\n<div class="header-protection-legacy-display">\n.*?</div>\n', b"",
                      html, count=1, flags=re.S)
    return html


class HtmlTest(unittest.TestCase):

    def setUp(self):
        prerequisites.require()
        self.stack = MailStack(prerequisites.scratch_folder("h_", self._testMethodName),
                               prerequisites.binary("MAILVEIL_BIN"), KEYED, UNKEYED,
                               STACK_SETTINGS.get(self._testMethodName))
        self.addCleanup(self.stack.stop)
        self.stack.start()

    def decrypted(self, delivered, address):
        """The payload delivered carries, decrypted with address's key (bytes)."""
        armored = messages.encrypted_payload(delivered)
        plaintext, _ = self.stack.people[address].home.decrypt(armored)
        return plaintext

    def assert_no_html(self, payload):
        parsed = messages.parse(payload)
        self.assertNotIn("text/html", types_of(parsed), "an HTML part remains")
        for part in leaves(parsed):
            content = part.get_payload(decode=True) or b""
            self.assertIsNone(HTML_MARKUP.search(content),
                              "HTML markup remains in a %s part" % part.get_content_type())

    def assert_generated_text(self, part, expected):
        self.assertEqual(part.get_content_type(), "text/plain")
        self.assertEqual(part.get_content_charset(), "utf-8")
        self.assertIn(part.get("Content-Transfer-Encoding", "7bit").lower(),
                      ("7bit", "quoted-printable"))
        self.assertEqual(shown_text(part), expected)

    @staticmethod
    def html_part_of(raw):
        return next(part for part in messages.parse(raw).walk()
                    if part.get_content_type() == "text/html")

    # -- scenarios ------------------------------------------------------

    @with_logs
    def test_html_only_becomes_text_when_encrypted(self):
        sent = data("html_only.eml")
        queue_id, delivered = self.deliver(sent, [BOB])
        payload = self.decrypted(delivered[BOB], BOB)
        self.assert_no_html(payload)
        self.assertNotIn(b"track.example.net", payload, "the tracking pixel's URL remains")
        texts = leaves(messages.parse(payload))
        self.assertEqual(len(texts), 1, "parts: %r" % types_of(messages.parse(payload)))
        self.assert_generated_text(texts[0], EXPECTED_TEXT)
        self.assert_one_decision(queue_id, sent, [BOB], decision="encrypted", rcpts="1")

    @with_logs
    def test_alternative_keeps_sender_text_when_encrypted(self):
        sent = data("html_alternative.eml")
        queue_id, delivered = self.deliver(sent, [BOB])
        payload = self.decrypted(delivered[BOB], BOB)
        self.assert_no_html(payload)
        parsed = messages.parse(payload)
        self.assertEqual(types_of(parsed), ["text/plain"],
                         "the alternative should collapse to the sender's text/plain part")
        self.assertEqual(shown_text(parsed), SENDER_TEXT)
        self.assertNotIn(b"image/png", payload, "the inline image of the dropped HTML remains")
        self.assert_one_decision(queue_id, sent, [BOB], decision="encrypted", rcpts="1")

    @with_logs
    def test_html_only_gets_alternative_when_encrypted(self):
        sent = data("html_only.eml")
        queue_id, delivered = self.deliver(sent, [BOB])
        payload = self.decrypted(delivered[BOB], BOB)
        parsed = messages.parse(payload)
        self.assertEqual(parsed.get_content_type(), "multipart/alternative")
        text, html = parsed.get_payload()
        self.assert_generated_text(text, EXPECTED_TEXT)
        self.assertEqual(html.get_content_type(), "text/html")
        self.assertSameBytes(shown_html(html),
                             messages.to_lf(self.html_part_of(sent).get_payload(decode=True)),
                             "the HTML alternative (decoded, vs. the sent HTML)")
        self.assert_one_decision(queue_id, sent, [BOB], decision="encrypted", rcpts="1")

    @with_logs
    def test_html_to_unkeyed_recipient_passes_unchanged(self):
        sent = data("html_only.eml").replace(b"To: Bob <bob@example.org>",
                                             b"To: Carol <carol@example.org>")
        queue_id, delivered = self.deliver(sent, [CAROL])
        self.assert_unchanged(delivered[CAROL], sent)
        self.assert_one_decision(queue_id, sent, [CAROL], decision="passed", reason="no-key",
                                 rcpts="1", keyless="1")

    @with_logs
    def test_html_plain_alternative_for_unkeyed_recipient(self):
        sent = data("html_only.eml").replace(b"To: Bob <bob@example.org>",
                                             b"To: Carol <carol@example.org>")
        queue_id, delivered = self.deliver(sent, [CAROL])
        arrived = delivered[CAROL]
        parsed = messages.parse(arrived)
        self.assertEqual(parsed.get_content_type(), "multipart/alternative")
        text, html = parsed.get_payload()
        self.assert_generated_text(text, EXPECTED_TEXT)
        # The HTML part is the sent entity: its Content-* fields and encoded bytes.
        self.assertIn(messages.to_lf(messages.original_entity(sent)), messages.to_lf(arrived))
        self.assertEqual(html.get_content_type(), "text/html")
        # Every other header field as sent, in order; one new Content-Type.
        kept = [messages.to_lf(text) for name, text in messages.header_fields(sent)
                if not name.startswith("content-")]
        outside = [(name, messages.to_lf(text)) for name, text in messages.header_fields(arrived)
                   if name not in test_postfix.TRACE_FIELDS]
        self.assertEqual([text for name, text in outside if not name.startswith("content-")],
                         kept, "header fields besides Content-* differ from the sent ones")
        self.assertEqual([name for name, _ in outside if name.startswith("content-")],
                         ["content-type"])
        self.assert_one_decision(queue_id, sent, [CAROL], decision="passed", reason="no-key",
                                 rcpts="1", keyless="1")


for _name in BORROWED_CHECKS:
    setattr(HtmlTest, _name, vars(test_postfix.PostfixTest)[_name])


if __name__ == "__main__":
    unittest.main()
