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
