"""The benchmark corpus: generated mail of four sizes and three kinds.

Sizes (about, in bytes on the wire): 1 KB, 20 KB, 200 KB, 2 MB.
Kinds:
  plain   text/plain; charset=utf-8, 8bit, wrapped prose;
  html    HTML only (text/html, quoted-printable), a newsletter: layout tables,
          styles, links, images; mailveil turns it into text before
          encrypting (html_encrypted = text, the default);
  attach  multipart/mixed: a short text and a base64 attachment of random
          (incompressible) bytes that fills the size.

Deterministic (seeded), so two runs encrypt the same bytes. Line ends are LF,
as mail arrives from a pipe; headers are the usual five.
"""

import base64
import os
import quopri
import random

SIZES = (("1K", 1_000), ("20K", 20_000), ("200K", 200_000), ("2M", 2_000_000))
KINDS = ("plain", "html", "attach")

WORDS = ("the of and to in is that for it as was with be by on not he this are or his from at "
         "which but have an they you were her she there been one all we their has would when "
         "if so no will more about what up out them into can its some could time these two may "
         "then do first any my now such like our over man me even most made after also did many "
         "before must through years where much your way down should because each just those "
         "quarterly report invoice meeting agenda schedule budget review attached please "
         "thanks regards tomorrow question answer customer server network update release "
         "Zürich café naïve résumé").split()


def _header(index, kind, content_type, extra=""):
    return ("From: Alice Sender <alice@example.net>\n"
            "To: Bob <bob@example.org>\n"
            "Subject: Benchmark message %d (%s)\n"
            "Date: Sun, 29 Nov 2026 09:00:00 +0000\n"
            "Message-ID: <bench-%d-%s@example.net>\n"
            "MIME-Version: 1.0\n"
            "Content-Type: %s\n%s" % (index, kind, index, kind, content_type, extra))


def _prose(rng, size):
    """Paragraphs of words, lines under 76 columns, about size bytes."""
    lines, line, total = [], [], 0
    while total < size:
        word = rng.choice(WORDS)
        if len(" ".join(line + [word])) > 72:
            lines.append(" ".join(line))
            total += len(lines[-1].encode()) + 1
            line = []
            if rng.random() < 0.15:
                lines.append("")
                total += 1
        line.append(word)
    lines.append(" ".join(line))
    return "\n".join(lines) + "\n"


def _plain(index, rng, size):
    head = _header(index, "plain", "text/plain; charset=utf-8",
                   "Content-Transfer-Encoding: 8bit\n")
    return (head + "\n" + _prose(rng, size - len(head) - 1)).encode()


def _article(rng, n):
    return ('<tr><td style="padding:20px 30px;font-family:Arial,sans-serif;font-size:15px;'
            'color:#333333"><table role="presentation" width="100%%"><tr><td width="120">'
            '<a href="https://news.example.com/a/%d?utm_source=mail&amp;utm_medium=email">'
            '<img src="https://cdn.example.com/i/%d.jpg" width="120" alt="Story %d"></a></td>'
            '<td valign="top"><h2 style="margin:0 0 8px 0;font-size:19px">Story %d: %s</h2>'
            '<p style="margin:0 0 12px 0">%s&nbsp;&mdash; <strong>%s</strong> %s</p>'
            '<p><a href="https://news.example.com/a/%d" style="color:#c0392b">Read more '
            '&rarr;</a></p></td></tr></table></td></tr>\n'
            % (n, n, n, n, " ".join(rng.choice(WORDS) for _ in range(6)),
               _prose(rng, 200).replace("\n", " "), rng.choice(WORDS),
               _prose(rng, 150).replace("\n", " "), n))


def _html(index, rng, size):
    head = _header(index, "html", "text/html; charset=utf-8",
                   "Content-Transfer-Encoding: quoted-printable\n")
    page = ['<!DOCTYPE html><html><head><meta charset="utf-8"><title>Weekly</title>'
            '<style>body{margin:0}@media (max-width:600px){.c{width:100%!important}}</style>'
            '</head><body><table role="presentation" width="600" class="c">\n']
    footer = ('<tr><td align="center"><p>Example News Ltd &middot; 1 Main Street</p>'
              '<p><a href="https://news.example.com/unsubscribe?u=1">Unsubscribe</a></p>'
              '</td></tr></table></body></html>\n')
    encoded_size = len(head) + 1
    n = 0
    while encoded_size < size:
        n += 1
        page.append(_article(rng, n))
        encoded_size += len(quopri.encodestring(page[-1].encode()))
    body = quopri.encodestring(("".join(page) + footer).encode())
    return head.encode() + b"\n" + body


def _attach(index, rng, size):
    boundary = "=_bench_%d_" % index
    head = _header(index, "attach", 'multipart/mixed; boundary="%s"' % boundary)
    text = _prose(rng, 300)
    start = ("\n--%s\nContent-Type: text/plain; charset=utf-8\n"
             "Content-Transfer-Encoding: 8bit\n\n%s\n--%s\n"
             "Content-Type: application/pdf\n"
             'Content-Disposition: attachment; filename="report-%d.pdf"\n'
             "Content-Transfer-Encoding: base64\n\n" % (boundary, text, boundary, index))
    end = "--%s--\n" % boundary
    room = max(size - len(head) - len(start) - len(end), 76)
    raw = rng.getrandbits(8 * (room * 3 // 4)).to_bytes(room * 3 // 4, "little")
    return (head + start).encode() + base64.encodebytes(raw) + end.encode()


GENERATORS = {"plain": _plain, "html": _html, "attach": _attach}


def write_corpus(folder, sizes=SIZES, kinds=KINDS):
    """Writes one file per size and kind, named SIZE-KIND.eml; returns their paths
    in size order."""
    os.makedirs(folder, exist_ok=True)
    paths = []
    index = 0
    for label, size in sizes:
        for kind in kinds:
            index += 1
            rng = random.Random("%s-%s" % (label, kind))
            path = os.path.join(folder, "%s-%s.eml" % (label, kind))
            with open(path, "wb") as out:
                out.write(GENERATORS[kind](index, rng, size))
            paths.append(path)
    return paths


if __name__ == "__main__":
    import sys
    for written in write_corpus(sys.argv[1] if len(sys.argv) > 1 else "corpus"):
        print(written, os.path.getsize(written))
