"""The malformed messages of issue 6, generated at test time.

Each generator returns the message bytes. Every message carries MARKER in a
text part a reader would see, so a test can tell that processing kept the
content: the marker must still be in the output (or, when it is encrypted,
in the decrypted payload). CASES maps the CTest case name to its generator.
"""

MARKER = b"hostile-input-marker"

HEAD = (b"From: Alice <alice@example.org>\n"
        b"To: Bob <bob@example.org>\n"
        b"Subject: malformed\n"
        b"Message-ID: <malformed@example.org>\n")


def _mime(content_type, extra=b""):
    return HEAD + b"MIME-Version: 1.0\nContent-Type: " + content_type + b"\n" + extra


def missing_boundary():
    # A boundary parameter that no delimiter line in the body uses, and a
    # nested multipart with no boundary parameter at all.
    return (_mime(b'multipart/mixed; boundary="nowhere"') + b"\n"
            b"--elsewhere\nContent-Type: multipart/alternative\n\n"
            b"text before any delimiter " + MARKER + b"\n--elsewhere--\n")


def unterminated_boundary():
    # Parts open, the close delimiter never comes; the last part is cut short.
    return (_mime(b'multipart/mixed; boundary="b1"') + b"\n"
            b"--b1\nContent-Type: text/plain\n\nfirst part " + MARKER + b"\n"
            b"--b1\nContent-Type: multipart/alternative; boundary=\"b2\"\n\n"
            b"--b2\nContent-Type: text/html\n\n<p>half a part")


def deep_nesting(depth=1000):
    out = [_mime(b'multipart/mixed; boundary="d0"'), b"\n"]
    for level in range(1, depth):
        out.append(b"--d%d\nContent-Type: multipart/mixed; boundary=\"d%d\"\n\n" % (
            level - 1, level))
    out.append(b"--d%d\nContent-Type: text/plain\n\ninnermost " % (depth - 1) + MARKER + b"\n")
    for level in range(depth - 1, -1, -1):
        out.append(b"--d%d--\n" % level)
    return b"".join(out)


def many_parts(count=100000):
    # Parts with no header fields (text/plain by default), 7 bytes each.
    out = [_mime(b'multipart/mixed; boundary="p"'), b"\n"]
    out.extend(b"--p\n\nx\n" for _ in range(count - 1))
    out.append(b"--p\n\nlast " + MARKER + b"\n--p--\n")
    return b"".join(out)


def header_5mb():
    # One 5 MB header field, folded every 76 columns as RFC 5322 allows.
    line = b" " + b"x" * 75 + b"\n"
    fold = line * (5 * 1024 * 1024 // len(line))
    return (HEAD + b"X-Huge:" + fold + b"MIME-Version: 1.0\nContent-Type: text/plain\n\n"
            + MARKER + b"\n")


def nul_bytes():
    return (HEAD.replace(b"Subject: malformed", b"Subject: mal\0formed")
            + b"MIME-Version: 1.0\nContent-Type: text/plain\n\n"
            + b"before\0after " + MARKER + b"\n\0\0\0\n")


def bare_cr():
    # Every line end a lone CR: no LF anywhere in the message.
    return (_mime(b'multipart/alternative; boundary="cr"') + b"\n"
            b"--cr\nContent-Type: text/plain\n\nplain " + MARKER + b"\n"
            b"--cr\nContent-Type: text/html\n\n<p>html " + MARKER + b"</p>\n"
            b"--cr--\n").replace(b"\n", b"\r")


def invalid_base64():
    return (_mime(b'multipart/mixed; boundary="b"') + b"\n"
            b"--b\nContent-Type: text/plain\n\n" + MARKER + b"\n"
            b"--b\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
            b"PGgxPm!!!not base64 at all===\x80\xff\n====\nPHA+\n"
            b"--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
            b"A\nAB\nABC=\n=\n\n"
            b"--b--\n")


def invalid_quoted_printable():
    return (_mime(b'multipart/alternative; boundary="q"') + b"\n"
            b"--q\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n"
            b"=ZZ =4 =\n=\r= " + MARKER + b" =3D=C3=\n"
            b"--q\nContent-Type: text/html\nContent-Transfer-Encoding: quoted-printable\n\n"
            b"<p>=3Cb=3E" + MARKER + b"=\n=\n=XY=\n"
            b"--q--\n")


def charset_lies():
    return (_mime(b'multipart/alternative; boundary="c"') + b"\n"
            b"--c\nContent-Type: text/plain; charset=us-ascii\n\n"
            b"caf\xc3\xa9 na\xefve " + MARKER + b"\n"
            b"--c\nContent-Type: text/html; charset=utf-8\n\n"
            b"<meta charset=\"shift_jis\"><p>\xff\xfe\xc3(" + MARKER + b"\xe2\x82</p>\n"
            b"--c\nContent-Type: text/html; charset=x-no-such-charset\n\n"
            b"<p>\x1b$B" + MARKER + b"</p>\n"
            b"--c--\n")


def line_1mb():
    # One line of 1,000,000 bytes, the message still under 1 MiB.
    return (_mime(b"text/plain") + b"\n" + MARKER + b" " + b"y" * 1000000 + b"\n")


def non_mime_8bit():
    # No MIME-Version, no Content-Type: raw 8-bit text in the body.
    return (HEAD + b"\nGr\xfc\xdfe, caf\xc3\xa9, \xe4\xb8\xad\xe6\x96\x87 " + MARKER
            + b"\n\x80\x81\xfe\xff\n")


CASES = {
    "missing_boundary": missing_boundary,
    "unterminated_boundary": unterminated_boundary,
    "deep_nesting_1000": deep_nesting,
    "parts_100000": many_parts,
    "header_5mb": header_5mb,
    "nul_bytes": nul_bytes,
    "bare_cr": bare_cr,
    "invalid_base64": invalid_base64,
    "invalid_quoted_printable": invalid_quoted_printable,
    "charset_lies": charset_lies,
    "line_1mb": line_1mb,
    "non_mime_8bit": non_mime_8bit,
}
