"""Byte-level views of messages: what was sent, what was delivered.

The checks compare bytes, so nothing here re-serialises a message through
the email package; header fields and bodies are cut out of the raw bytes.

* ``original_entity(sent)`` is what RFC 3156 encryption must carry: the
  Content-* header fields of the sent message, byte for byte (folding kept),
  a blank line and the body, all with CRLF line ends.
* ``encrypted_payload(delivered)`` checks the PGP/MIME structure of a
  delivered message and returns the armored OpenPGP message of its 2nd part.
"""

import email
import email.policy
import re


def to_crlf(data):
    return re.sub(rb"\r?\n", b"\r\n", data)


def to_lf(data):
    return data.replace(b"\r\n", b"\n")


def split_message(raw):
    """(header block, body) of raw message bytes; the blank line belongs to neither."""
    match = re.search(rb"\r?\n\r?\n", raw)
    if match is None:
        return raw, b""
    return raw[:match.start()], raw[match.end():]


def header_fields(raw):
    """The header fields as (lower-case name, raw field bytes incl. folded lines)."""
    block, _ = split_message(raw)
    fields = []
    for line in re.split(rb"(?<=\n)", block + b"\n"):
        if not line:
            continue
        if line[:1] in (b" ", b"\t") and fields:
            name, text = fields[-1]
            fields[-1] = (name, text + line)
        else:
            fields.append((line.split(b":", 1)[0].strip().lower().decode("ascii", "replace"), line))
    return [(name, text.rstrip(b"\r\n")) for name, text in fields]


def header_values(raw, name):
    """The raw (undecoded, unfolded-as-is) values of every field called name."""
    return [text.split(b":", 1)[1] for field, text in header_fields(raw) if field == name.lower()]


def body(raw):
    return split_message(raw)[1]


def original_entity(sent):
    """The MIME entity RFC 3156 wraps: Content-* fields + CRLF + body, CRLF line ends."""
    content_fields = [text for name, text in header_fields(sent) if name.startswith("content-")]
    return to_crlf(b"".join(field + b"\r\n" for field in content_fields) + b"\r\n" + body(sent))


def parse(raw):
    return email.message_from_bytes(raw, policy=email.policy.default)


def content_type(raw):
    return parse(raw).get_content_type()


def encrypted_payload(delivered):
    """Asserts the RFC 3156 shape of delivered; returns the armored 2nd part (bytes)."""
    message = parse(delivered)
    problems = []
    if message.get_content_type() != "multipart/encrypted":
        problems.append("top-level type is %s" % message.get_content_type())
    elif message.get_param("protocol") != "application/pgp-encrypted":
        problems.append("protocol parameter is %r" % message.get_param("protocol"))
    else:
        parts = message.get_payload()
        if len(parts) != 2:
            problems.append("%d parts instead of 2" % len(parts))
        else:
            control, data = parts
            if control.get_content_type() != "application/pgp-encrypted":
                problems.append("part 1 is %s" % control.get_content_type())
            elif "Version: 1" not in control.get_payload():
                problems.append("part 1 lacks 'Version: 1'")
            if data.get_content_type() != "application/octet-stream":
                problems.append("part 2 is %s" % data.get_content_type())
            armored = data.get_payload(decode=True) or b""
            if not armored.lstrip().startswith(b"-----BEGIN PGP MESSAGE-----"):
                problems.append("part 2 is not an armored OpenPGP message")
    if problems:
        raise AssertionError("not RFC 3156 PGP/MIME: %s\n--- delivered (first 1500 bytes) ---\n%s"
                             % ("; ".join(problems), delivered[:1500].decode(errors="replace")))
    return armored


def postfix_queue_id(delivered):
    """The queue id from the topmost Received field Postfix added ('... with ESMTP id X')."""
    for value in header_values(delivered, "received"):
        match = re.search(rb"\(Postfix[^)]*\)\s+(?:with\s+\S+\s+)?id\s+([0-9A-F]+)", value)
        if match:
            return match.group(1).decode()
    return None


def excerpt(raw, lines=25):
    """The first lines of a message, for printing."""
    return "\n".join(to_lf(raw).decode("utf-8", "replace").splitlines()[:lines])


# Fields RFC 9788 header protection leaves outside only: transport trace, and
# Bcc (a copy inside would show every recipient the hidden ones).
NOT_PROTECTED = {"received", "return-path", "delivered-to", "x-original-to", "dkim-signature",
                 "arc-seal", "arc-message-signature", "arc-authentication-results",
                 "authentication-results", "received-spf", "bcc"}


def _leaves(message):
    return [part for part in message.walk() if not part.is_multipart()]


def protected_payload_problems(plaintext, sent):
    """What is wrong with plaintext as the RFC 9788 payload of sent ([] if nothing).

    The payload's header section holds every header field of sent that is not
    Content-* or trace/Bcc, byte for byte and in order, the Content-Type says
    hp="cipher", "HP-Outer: Subject: [...]" records the hidden outer Subject;
    its parts are the sent ones: non-text parts decode to the same bytes, and
    the first text part starts with a "Subject: <original>" line (the legacy
    display for readers that know no header protection) and then holds the
    sent text."""
    problems = []
    inner_fields = [to_lf(text) for _, text in header_fields(plaintext)]
    wanted = [to_lf(text) for name, text in header_fields(sent)
              if not name.startswith("content-") and name not in NOT_PROTECTED]
    missing = [field for field in wanted if field not in inner_fields]
    if missing:
        problems.append("header fields not carried inside byte for byte: %r" % missing)
    else:
        positions = [inner_fields.index(field) for field in wanted]
        if positions != sorted(positions):
            problems.append("header fields reordered inside")
    if b"HP-Outer: Subject: [...]" not in inner_fields:
        problems.append("no 'HP-Outer: Subject: [...]' field")
    inner, original = parse(plaintext), parse(sent)
    if inner.get_param("hp") != "cipher":
        problems.append("Content-Type has no hp=\"cipher\": %r" % inner["Content-Type"])
    if inner["Subject"] != original["Subject"]:
        problems.append("inner Subject %r, sent %r" % (inner["Subject"], original["Subject"]))
    got, expected = _leaves(inner), _leaves(original)
    if [p.get_content_type() for p in got] != [p.get_content_type() for p in expected]:
        return problems + ["parts %r, sent %r" % ([p.get_content_type() for p in got],
                                                  [p.get_content_type() for p in expected])]
    first_text = True
    for got_part, sent_part in zip(got, expected):
        if got_part.get_content_maintype() != "text":
            if got_part.get_payload(decode=True) != sent_part.get_payload(decode=True):
                problems.append("part %s differs" % got_part.get_content_type())
            continue
        text = got_part.get_content().replace("\r\n", "\n")
        sent_text = sent_part.get_content().replace("\r\n", "\n")
        if first_text and not text.startswith("Subject: %s\n" % original["Subject"]):
            problems.append("the first text part does not start with the Subject line: %r"
                            % text[:200])
        first_text = False
        if sent_text.strip() not in text:
            problems.append("the text of %s is not carried inside" % got_part.get_content_type())
    return problems
