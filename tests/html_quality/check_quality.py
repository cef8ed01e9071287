#!/usr/bin/env python3
"""check_quality.py - judge mailveil's HTML-to-text output on the measures of
issue 4, with an oracle that shares no code with the converter.

    check_quality.py [options] PATH...

PATH is an HTML file or a directory (every *.html in it).  Each file is run
through `mailveil-filter --html-to-text` (with `--charset LABEL` when a sibling
NAME.charset file exists, as in tests/data/html) and the output is measured
against what Python's html.parser finds in the same bytes:

  leftover  tags, entities, CSS, preheader filler characters and text the
            oracle found hidden, present in the output.  Must be 0.
  links     every http(s)/mailto href of a visible <a> appears unbroken on
            one output line.  All must.
  recall    share of the oracle's visible words found in the output (as a
            multiset).  At least --min-recall (0.95).
  order     longest common subsequence of oracle words and output words,
            divided by the oracle word count.  At least --min-order (0.90).
  width     no output line wider than --max-columns (78) columns, East Asian
            wide/fullwidth characters counting 2, unless the line is one
            unbreakable token (after a quote/list/reference prefix).
  utf8      output is valid UTF-8, has no U+FFFD when the input decoded
            without error, and no C0/C1 control characters but newline and
            tab (a C1 control is what a Latin-1 misdecoding of windows-1252
            quotes leaves).

Exit status: 0 when every file passes every measure, 1 when any fails, 2 on a
usage or run error.  With --expect-fail MEASURES (one file only, for CTest's
WILL_FAIL) the sense is inverted on purpose: exit 1 when the file fails
exactly those measures (the known failure is still there), 0 otherwise (it
was fixed, something else broke too, or the checker could not run), so that a
WILL_FAIL test turns red in every case that needs a person.

Oracle decisions (see also tests/html_quality/README.md):
  * Bytes are decoded by the issue's rules: BOM, then the MIME charset (the
    .charset file), then the first <meta charset>/<meta http-equiv> in the
    document, then UTF-8 if the bytes are valid, else windows-1252.  Labels
    map as the WHATWG Encoding standard does (latin1/ascii -> windows-1252,
    gb2312 -> gbk, shift_jis -> cp932, euc-kr -> cp949, ...); an unknown label
    falls through to the next rule.
  * Not visible, must be ABSENT from the output ("hidden"): head and all in
    it (title, style, meta), script, style, template, comments including MSO
    conditional comments (`<!--[if mso]>...<![endif]-->`, whose inner HTML is
    parsed for its text), <![CDATA[...]]> outside script/style, and every element with the `hidden` attribute or
    an inline style with display:none or mso-hide:all, with all it contains.
  * Neither required nor forbidden ("ambiguous"): noscript, xml (Office
    data islands), iframe/object/svg/math/select/textarea, and elements
    whose inline style hides them in most clients without the issue naming
    the trick: visibility:hidden/collapse, opacity:0, font-size:0,
    max-height:0/height:0 together with overflow:hidden.  Their words are
    left out of recall and order, and not counted as leftovers.
  * Visible: every other text node, entities decoded.  Text across inline
    tags is joined (<b>Hel</b>lo is one word); block elements, <br>, table
    cells and images separate words.  Image alt text is not counted as
    visible text (the converter may show it as [alt]; extra words cost
    nothing).
  * Words: NFKC, casefolded, runs of letters/digits (with combining marks);
    Han, Hiragana, Katakana, Thai, Lao, Khmer and Myanmar characters are one
    token each, since those scripts do not separate words with spaces.
  * Output words leave out the final list of link references ("[n] URL") and
    the "[n]" markers, so a URL in the list cannot stand in for body words.
  * Links: required for an <a> that is visible and has content (text or an
    image with alt text); an href equal to the link text (or mailto: + text)
    may be shown as that text.  A hidden link's URL appearing in the output
    counts as leftover hidden text unless some visible link has the same URL.
  * Hidden text counts as a leftover when a run of min(6, length) words
    (at least 3) of one hidden stretch appears in the output and does not
    also appear in the visible text.
  * Markup counts as a leftover only beyond the number of times the same
    string occurs in the visible text (a mail about HTML may say "<p>").
"""

import argparse
import codecs
import collections
import html
import html.parser
import os
import re
import subprocess
import sys
import unicodedata
import urllib.parse

# --------------------------------------------------------------------------
# charset decision

WHATWG_LABELS = {
    # label -> Python codec
    "utf-8": "utf-8", "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8",
    "us-ascii": "cp1252", "ascii": "cp1252", "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252", "iso_8859-1": "cp1252", "latin1": "cp1252",
    "l1": "cp1252", "cp819": "cp1252", "ibm819": "cp1252",
    "windows-1252": "cp1252", "cp1252": "cp1252", "x-cp1252": "cp1252",
    "iso-8859-2": "iso8859_2", "latin2": "iso8859_2",
    "iso-8859-5": "iso8859_5", "iso-8859-7": "iso8859_7",
    "iso-8859-8": "iso8859_8", "iso-8859-9": "cp1254", "latin5": "cp1254",
    "iso-8859-15": "iso8859_15", "latin9": "iso8859_15",
    "windows-1250": "cp1250", "windows-1251": "cp1251",
    "windows-1253": "cp1253", "windows-1254": "cp1254",
    "windows-1255": "cp1255", "windows-1256": "cp1256",
    "windows-1257": "cp1257", "windows-1258": "cp1258",
    "koi8-r": "koi8_r", "koi8-u": "koi8_u",
    "gb2312": "gbk", "gbk": "gbk", "x-gbk": "gbk", "cp936": "gbk",
    "chinese": "gbk", "csgb2312": "gbk", "gb18030": "gb18030",
    "big5": "big5hkscs", "big5-hkscs": "big5hkscs", "x-x-big5": "big5hkscs",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932",
    "x-sjis": "cp932", "ms_kanji": "cp932", "windows-31j": "cp932",
    "cp932": "cp932", "csshiftjis": "cp932",
    "euc-jp": "euc_jp", "x-euc-jp": "euc_jp",
    "iso-2022-jp": "iso2022_jp_ext", "csiso2022jp": "iso2022_jp_ext",
    "euc-kr": "cp949", "ks_c_5601-1987": "cp949", "windows-949": "cp949",
    "cp949": "cp949", "korean": "cp949",
    "tis-620": "cp874", "windows-874": "cp874", "iso-8859-11": "cp874",
    # A document cannot declare itself UTF-16 in ASCII bytes; WHATWG says
    # treat such a meta label as UTF-8.
    "utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8",
}

META_RE = re.compile(rb"<meta\b[^>]*>", re.I)
META_CHARSET_RE = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:()+-]+)""", re.I)


def codec_for(label):
    if not label:
        return None
    return WHATWG_LABELS.get(label.strip().strip("\"'").lower())


def decide_charset(data, mime_label):
    """Return (python codec, rule that decided, bytes after any BOM)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8", "bom", data[3:]
    if data.startswith(b"\xff\xfe"):
        return "utf-16-le", "bom", data[2:]
    if data.startswith(b"\xfe\xff"):
        return "utf-16-be", "bom", data[2:]
    codec = codec_for(mime_label)
    if codec:
        return codec, "mime", data
    for m in META_RE.finditer(data):
        c = META_CHARSET_RE.search(m.group(0))
        if c:
            codec = codec_for(c.group(1).decode("ascii", "replace"))
            if codec:
                return codec, "meta", data
            break  # the first declaration counts; an unknown label falls through
    try:
        data.decode("utf-8")
        return "utf-8", "valid-utf8", data
    except UnicodeDecodeError:
        return "cp1252", "fallback", data


def decode(data, mime_label):
    """Text, codec, deciding rule, and how many byte sequences did not decode."""
    codec, rule, body = decide_charset(data, mime_label)
    bad = [0]

    def count(exc):
        bad[0] += 1
        return ("\ufffd", exc.end)

    codecs.register_error("check-quality-count", count)
    text = body.decode(codec, errors="check-quality-count")
    return text, codec, rule, bad[0]

# --------------------------------------------------------------------------
# tokenising

PER_CHAR_SCRIPTS = (
    (0x0E00, 0x0EFF),    # Thai, Lao
    (0x1000, 0x109F),    # Myanmar
    (0x1780, 0x17FF),    # Khmer
    (0x2E80, 0x2FFF),    # CJK radicals, Kangxi
    (0x3005, 0x3007),    # 々 〆 〇
    (0x3040, 0x30FF),    # Hiragana, Katakana
    (0x31F0, 0x31FF),    # Katakana extensions
    (0x3400, 0x4DBF),    # CJK ext A
    (0x4E00, 0x9FFF),    # CJK unified
    (0xF900, 0xFAFF),    # CJK compatibility
    (0xFF66, 0xFF9F),    # halfwidth Katakana
    (0x20000, 0x3FFFF),  # CJK ext B..
)


def per_char(ch):
    o = ord(ch)
    for lo, hi in PER_CHAR_SCRIPTS:
        if lo <= o <= hi:
            return True
    return False


INVISIBLE = {"\u00ad", "\u034f", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u180e"}


def tokens(text):
    """Words of text: NFKC, casefolded; letters/digits (+ marks) runs, and
    one token per character of scripts written without spaces."""
    text = "".join(c for c in text if c not in INVISIBLE)
    text = unicodedata.normalize("NFKC", text).casefold()
    out = []
    cur = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in "LN" or ch == "_":
            if per_char(ch):
                if cur:
                    out.append("".join(cur))
                    cur = []
                out.append(ch)
            else:
                cur.append(ch)
        elif cat[0] == "M" and cur:
            cur.append(ch)
        else:
            if cur:
                out.append("".join(cur))
                cur = []
    if cur:
        out.append("".join(cur))
    return out


# --------------------------------------------------------------------------
# the oracle

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "param", "source", "track", "wbr", "keygen", "basefont", "frame"}
SKIP_HIDDEN = {"head", "script", "style", "template", "title"}
SKIP_AMBIGUOUS = {"noscript", "iframe", "object", "svg", "math", "textarea", "select",
                  "xml"}
BLOCK = {"address", "article", "aside", "blockquote", "body", "br", "button",
         "caption", "center", "dd", "details", "dialog", "dir", "div", "dl",
         "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
         "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "img",
         "input", "legend", "li", "main", "menu", "nav", "ol", "option", "p",
         "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
         "thead", "tr", "ul", "video", "audio", "canvas", "iframe", "listing",
         "plaintext", "xmp", "marquee"}
P_SCOPE_STOP = {"applet", "caption", "html", "table", "td", "th", "marquee",
                "object", "template", "button"}
CLOSES_P = {"address", "article", "aside", "blockquote", "center", "details",
            "dialog", "dir", "div", "dl", "fieldset", "figcaption", "figure",
            "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
            "hgroup", "hr", "main", "menu", "nav", "ol", "p", "pre", "section",
            "summary", "table", "ul", "listing", "xmp"}


def style_props(style):
    style = re.sub(r"/\*.*?\*/", "", style or "", flags=re.S)
    props = {}
    for decl in style.split(";"):
        if ":" in decl:
            k, v = decl.split(":", 1)
            v = re.sub(r"!\s*important", "", v, flags=re.I)
            props[k.strip().lower()] = v.strip().lower()
    return props


ZERO = re.compile(r"^[+-]?0*\.?0*(px|pt|em|rem|%|)$")


def visibility(attrs):
    """'hidden', 'ambiguous' or None for an element's own attributes."""
    if "hidden" in attrs:
        return "hidden"
    p = style_props(attrs.get("style"))
    if p.get("display", "").split() and p.get("display", "").split()[0] == "none":
        return "hidden"
    if p.get("mso-hide") == "all":
        return "hidden"
    if p.get("visibility") in ("hidden", "collapse"):
        return "ambiguous"
    if "opacity" in p and ZERO.match(p["opacity"]):
        return "ambiguous"
    if "font-size" in p and ZERO.match(p["font-size"]):
        return "ambiguous"
    if p.get("overflow") == "hidden" and any(
            k in p and ZERO.match(p[k]) for k in ("max-height", "height", "max-width", "width")):
        return "ambiguous"
    return None


class Oracle(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []           # [tag, state] state: None/'hidden'/'ambiguous'
        self.visible = []         # text pieces with " " separators
        self.hidden_segments = []  # list of text pieces, one per hidden stretch
        self.cur_hidden = None
        self.links = []           # dicts: href, text, visible, has_alt
        self.open_links = []
        self.hidden_link_urls = set()

    # -- state
    def state(self):
        return self.stack[-1][1] if self.stack else None

    def _pop_to(self, i):
        while len(self.stack) > i:
            tag, st = self.stack.pop()
            self._closed(tag, st)

    def _closed(self, tag, st):
        if tag == "a" and self.open_links:
            self.open_links.pop()
        if st == "hidden" and (not self.stack or self.stack[-1][1] != "hidden"):
            self._end_hidden()
        if tag in BLOCK:
            self._sep()

    def _end_hidden(self):
        if self.cur_hidden is not None:
            self.hidden_segments.append("".join(self.cur_hidden))
            self.cur_hidden = None

    def _sep(self):
        self._text(" ")

    def _text(self, data):
        st = self.state()
        if st is None:
            self.visible.append(data)
            for link in self.open_links:
                link["text"].append(data)
        elif st == "hidden":
            if self.cur_hidden is None:
                self.cur_hidden = []
            self.cur_hidden.append(data)

    def _find(self, names, stops):
        for i in range(len(self.stack) - 1, -1, -1):
            t = self.stack[i][0]
            if t in names:
                return i
            if t in stops:
                return None
        return None

    # -- implied end tags (enough to keep hidden state from leaking)
    def _implied(self, tag):
        i = None
        if tag in CLOSES_P:
            i = self._find({"p"}, P_SCOPE_STOP)
        elif tag == "li":
            i = self._find({"li"}, {"ul", "ol", "table", "td", "th"})
        elif tag in ("dd", "dt"):
            i = self._find({"dd", "dt"}, {"dl", "table", "td", "th"})
        elif tag in ("td", "th"):
            i = self._find({"td", "th"}, {"tr", "table"})
        elif tag == "tr":
            i = self._find({"tr", "td", "th"}, {"table", "tbody", "thead", "tfoot"})
            if i is not None:
                j = self._find({"tr"}, {"table", "tbody", "thead", "tfoot"})
                i = j if j is not None else i
        elif tag in ("tbody", "thead", "tfoot"):
            i = self._find({"tbody", "thead", "tfoot", "tr", "td", "th"}, {"table"})
        elif tag == "option":
            i = self._find({"option"}, {"select"})
        if i is not None:
            self._pop_to(i)

    def handle_starttag(self, tag, attrs_list):
        attrs = {}
        for k, v in attrs_list:
            attrs.setdefault(k, v if v is not None else "")
        self._implied(tag)
        parent = self.state()
        own = visibility(attrs)
        if tag in SKIP_HIDDEN:
            own = "hidden"
        elif tag in SKIP_AMBIGUOUS and own is None:
            own = "ambiguous"
        if parent == "hidden":
            st = "hidden"
        elif parent == "ambiguous":
            st = "ambiguous" if own != "hidden" else "hidden"
        else:
            st = own
        if st == "hidden" and parent != "hidden":
            self._end_hidden()
            self.cur_hidden = []
        if tag in BLOCK:
            self._sep()
        if tag == "img":
            alt = (attrs.get("alt") or "").strip()
            if alt:
                if st is None:
                    for link in self.open_links:
                        link["has_alt"] = True
                elif st == "hidden":
                    if self.cur_hidden is None:
                        self.cur_hidden = []
                    self.cur_hidden.append(" " + alt + " ")
        if tag == "a":
            href = re.sub(r"[\t\n\r]", "", (attrs.get("href") or "")).strip()
            link = {"href": href, "text": [], "visible": st is None, "has_alt": False}
            if st == "hidden" and href:
                self.hidden_link_urls.add(href)
            self.links.append(link)
            self.open_links.append(link)
        if tag in VOID:
            if st == "hidden" and parent != "hidden":
                self._end_hidden()
            if tag in BLOCK:
                self._sep()
            return
        self.stack.append([tag, st])

    def handle_startendtag(self, tag, attrs):
        # <br/>, <img/>, and (wrongly, but browsers agree) <div/> all act as
        # start tags in HTML; only void elements end at once.
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "br":
            self._sep()
            return
        if tag == "p" and self._find({"p"}, P_SCOPE_STOP) is None:
            self._sep()
            return
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                self._pop_to(i)
                return
        # stray end tag: ignored, as browsers do

    def handle_data(self, data):
        self._text(data)

    def handle_comment(self, data):
        # MSO conditional comments hold HTML only Outlook shows: its text is
        # hidden text for every other reader.
        if re.match(r"\s*\[if\b", data, re.I):
            inner = Oracle()
            inner.feed(re.sub(r"^\s*\[if[^\]]*\]>|<!\[endif\]\s*$", "", data, flags=re.I))
            inner.close()
            text = "".join(inner.visible) + " " + " ".join(inner.hidden_segments)
            if text.strip():
                self.hidden_segments.append(text)
            for link in inner.links:
                if link["href"]:
                    self.hidden_link_urls.add(link["href"])

    def unknown_decl(self, data):
        # <![CDATA[...]]> in HTML content is a bogus comment: not shown
        if data.upper().startswith("CDATA[") and data[6:].strip():
            self.hidden_segments.append(data[6:])

    def close(self):
        super().close()
        self._pop_to(0)
        self._end_hidden()


def run_oracle(text):
    o = Oracle()
    o.feed(text)
    o.close()
    visible_text = "".join(o.visible)
    return o, visible_text


# --------------------------------------------------------------------------
# measuring the output

REF_LINE = re.compile(r"^\[(\d+)\]\s+(\S+)\s*$")
REF_MARK = re.compile(r"\[\d+\]")
URL_TOKEN = re.compile(r"(?:https?://|mailto:)\S+", re.I)

TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?::[A-Za-z0-9]+)?(?:\s[^<>]*)?/?>"
                    r"|<!--|-->|<!\[(?:end)?if\b[^>]*>|<!doctype\b|<!\[CDATA\[|\]\]>|<\?xml\b", re.I)
ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
BARE_ENTITY_RE = re.compile(r"&(?:nbsp|amp|lt|gt|quot|copy|reg|zwnj|shy)(?![A-Za-z0-9;=])")
CSS_RES = [
    re.compile(r"[^\s{}]*\s*\{[^{}]*?[A-Za-z-]+\s*:[^{}]*\}", re.S),   # rule block
    re.compile(r"@(?:media|font-face|import|charset|page|keyframes|supports|-ms-viewport|viewport)\b", re.I),
    re.compile(r"\bmso-[a-z-]+\s*:", re.I),
    re.compile(r"!\s*important\b", re.I),
    re.compile(r"\b(?:font-family|font-size|font-weight|line-height|background-color|"
               r"text-align|text-decoration|border-collapse|padding|margin|display|"
               r"max-width|min-width|vertical-align)\s*:\s*[^;\n]{1,80};", re.I),
]
FILLER_RUN = re.compile(r"[\u00ad\u034f\u200b\u200c\u200d\u2060\ufeff\u180e]"
                        r"(?:[\s\u00a0]*[\u00ad\u034f\u200b\u200c\u200d\u2060\ufeff\u180e])+"
                        r"|[\u034f\ufeff]")


def width(s):
    w = 0
    for ch in s:
        cat = unicodedata.category(ch)
        if cat in ("Mn", "Me", "Cf") or ch in INVISIBLE:
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


PREFIX_TOKEN = re.compile(r"^(?:>+|\[\d+\]|[*\u2022\u00b7+o-]|\d+[.)]|[A-Za-z][.)]|[ivxlc]+[.)])$")


def single_token_line(line):
    toks = line.split()
    while len(toks) > 1 and PREFIX_TOKEN.match(toks[0]):
        toks.pop(0)
    return len(toks) == 1


def split_references(out_lines):
    """Index where the trailing '[n] URL' list starts (len if none)."""
    i = len(out_lines)
    while i > 0 and out_lines[i - 1].strip() == "":
        i -= 1
    end = i
    while i > 0 and REF_LINE.match(out_lines[i - 1]):
        i -= 1
    return i if i < end else len(out_lines)


def count_beyond(regex, out_text, visible_text, where=None):
    """Matches of regex in the output beyond those in the visible text."""
    found = [(m.group(0), m.start()) for m in regex.finditer(out_text)]
    allowed = collections.Counter(m.group(0) for m in regex.finditer(visible_text))
    hits = []
    for s, pos in found:
        if allowed[s] > 0:
            allowed[s] -= 1
        else:
            hits.append((s, pos))
    return hits


def lcs_length(a, b):
    """Length of the longest common subsequence of token lists a and b
    (bit-parallel, Crochemore et al. / Hyyro), O(len(a) * len(b) / 64)."""
    if not a or not b:
        return 0
    masks = collections.defaultdict(int)
    for i, t in enumerate(a):
        masks[t] |= 1 << i
    full = (1 << len(a)) - 1
    v = full
    for t in b:
        m = masks.get(t)
        if not m:
            continue
        u = v & m
        v = ((v + u) | (v - u)) & full
    return len(a) - bin(v).count("1")


def ngrams(toks, n):
    return {tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)}


def line_of(text, pos):
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return text[start:end if end >= 0 else len(text)]


def url_forms(href):
    """The ways one URL may be written unbroken: as in the href, with the
    scheme in lower case, with spaces percent-encoded, or percent-encoded in
    full (non-ASCII as UTF-8), as a converter must to keep it on one line."""
    forms = [href]
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", href)
    if m and m.group(1) != m.group(1).lower():
        forms.append(m.group(1).lower() + href[len(m.group(1)):])
    for f in list(forms):
        if " " in f:
            forms.append(f.replace(" ", "%20"))
        full = urllib.parse.quote(f, safe=":/?#[]@!$&'()*+,;=%~")
        if full != f:
            forms.append(full)
    return list(dict.fromkeys(forms))


URL_END = set(" \t\u00a0>)]}\"'.,;:!?")


def url_on_line(url, lines):
    for line in lines:
        start = 0
        while True:
            i = line.find(url, start)
            if i < 0:
                break
            after = line[i + len(url):i + len(url) + 1]
            before = line[i - 1:i] if i > 0 else ""
            if (after == "" or after in URL_END) and (before == "" or not (before.isalnum() or before in "/-_.%")):
                return True
            start = i + 1
    return False


class Result:
    def __init__(self, path):
        self.path = path
        self.name = path
        self.failed = []       # measure names
        self.notes = []        # human-readable details
        self.recall = self.order = None
        self.links_ok = self.links_total = 0
        self.leftover = 0
        self.wide = 0
        self.utf8 = "ok"
        self.words = 0
        self.charset = ""
        self.error = None


def check_file(path, args):
    r = Result(path)
    base = path[:-5] if path.endswith(".html") else path
    label = None
    if os.path.exists(base + ".charset"):
        with open(base + ".charset", encoding="ascii") as f:
            label = f.read().strip()
    with open(path, "rb") as f:
        data = f.read()

    cmd = [args.filter, "--html-to-text"]
    if label:
        cmd += ["--charset", label]
    if args.width:
        cmd += ["--width", str(args.width)]
    proc = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=args.timeout)
    if proc.returncode != 0:
        r.error = "mailveil-filter exited %d: %s" % (
            proc.returncode, proc.stderr.decode("utf-8", "replace").strip()[:300])
        r.failed.append("run")
        return r

    text, codec, rule, decode_errors = decode(data, label)
    r.charset = "%s(%s)" % (codec, rule)
    oracle, visible_text = run_oracle(text)

    # utf8
    try:
        out = proc.stdout.decode("utf-8")
    except UnicodeDecodeError as e:
        r.utf8 = "INVALID@%d" % e.start
        r.failed.append("utf8")
        r.notes.append("utf8: invalid byte at offset %d: %r" % (e.start, proc.stdout[max(0, e.start - 20):e.start + 10]))
        out = proc.stdout.decode("utf-8", "replace")
    if decode_errors == 0 and "\ufffd" in out and "\ufffd" not in text:
        r.utf8 = "U+FFFD"
        r.failed.append("utf8")
        pos = out.index("\ufffd")
        r.notes.append("utf8: U+FFFD in output although the input decoded cleanly as %s: %r"
                       % (codec, line_of(out, pos)))

    ctrl = re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", out)
    if ctrl and r.utf8 == "ok":
        r.utf8 = "CTRL"
        r.failed.append("utf8")
        r.notes.append("utf8: control character U+%04X in line: %r"
                       % (ord(ctrl.group(0)), line_of(out, ctrl.start())))

    lines = out.split("\n")
    ref_start = split_references(lines)
    body_lines = lines[:ref_start]
    body = "\n".join(body_lines)

    # leftover markup; a link's own URL may hold "&amp;" or "<" (a doubly
    # escaped href is real in mail), so every href is blanked out first
    leftovers = []
    scrubbed = out
    for href in sorted({l["href"] for l in oracle.links if l["href"]}, key=len, reverse=True):
        for form in url_forms(href):
            scrubbed = scrubbed.replace(form, " " * len(form))
    for kind, rx in (("tag", TAG_RE), ("entity", ENTITY_RE)):
        for s, pos in count_beyond(rx, scrubbed, visible_text):
            leftovers.append((kind, s, line_of(out, pos)))
    no_urls = URL_TOKEN.sub(" ", scrubbed)
    vis_no_urls = URL_TOKEN.sub(" ", visible_text)
    for s, pos in count_beyond(BARE_ENTITY_RE, no_urls, vis_no_urls):
        leftovers.append(("entity", s, line_of(no_urls, pos)))
    for rx in CSS_RES:
        for s, pos in count_beyond(rx, no_urls, vis_no_urls):
            leftovers.append(("css", s[:60], line_of(no_urls, pos)))
    for m in FILLER_RUN.finditer(out):
        leftovers.append(("filler", m.group(0).encode("unicode_escape").decode(), line_of(out, m.start())))

    # hidden text
    out_tokens_all = tokens(out)
    vis_tokens = tokens(visible_text)
    out_grams = {}
    vis_grams = {}
    seen = set()
    for seg in oracle.hidden_segments:
        ht = tokens(seg)
        if len(ht) < 3:
            continue
        n = min(6, len(ht))
        if n not in out_grams:
            out_grams[n] = ngrams(out_tokens_all, n)
            vis_grams[n] = ngrams(vis_tokens, n)
        for i in range(len(ht) - n + 1):
            g = tuple(ht[i:i + n])
            if g in out_grams[n] and g not in vis_grams[n] and g not in seen:
                seen.add(g)
                leftovers.append(("hidden", " ".join(g), ""))
                break
    visible_hrefs = {l["href"] for l in oracle.links if l["visible"]}
    for url in sorted(oracle.hidden_link_urls - visible_hrefs):
        if re.match(r"(?:https?:|mailto:)", url, re.I) and url_on_line(url, lines):
            leftovers.append(("hidden-link", url, ""))
    r.leftover = len(leftovers)
    if leftovers:
        r.failed.append("leftover")
        for kind, s, line in leftovers[:args.max_details]:
            r.notes.append("leftover %s %r in line: %r" % (kind, s, line) if line else
                           "leftover %s %r" % (kind, s))
        if len(leftovers) > args.max_details:
            r.notes.append("leftover: ... %d more" % (len(leftovers) - args.max_details))

    # links
    required = []
    for link in oracle.links:
        href = link["href"]
        if not link["visible"] or not re.match(r"(?:https?:|mailto:)", href, re.I):
            continue
        ltext = " ".join("".join(link["text"]).split())
        if not ltext and not link["has_alt"]:
            continue
        required.append((href, ltext))
    r.links_total = len(required)
    for href, ltext in required:
        candidates = url_forms(href)
        if ltext and (ltext == href or ("mailto:" + ltext).lower() == href.lower()):
            candidates.append(ltext)
        if any(url_on_line(c, lines) for c in candidates):
            r.links_ok += 1
            continue
        joined = "".join(l.strip() for l in lines)
        joined_q = "".join(re.sub(r"^[>\s]+", "", l).strip() for l in lines)
        if href in joined or href in joined_q:
            why = "broken across lines"
            head = href[:max(12, len(href) // 3)]
            where = [l for l in lines if head in l][:1]
        else:
            why = "missing"
            where = [l for l in lines if href[:30] in l][:1]
        r.notes.append("link %s: %s (text %r)%s" % (why, href, ltext[:50],
                       (" near line %r" % where[0]) if where else ""))
    if r.links_ok < r.links_total:
        r.failed.append("links")

    # recall and order
    out_body = REF_MARK.sub(" ", body)
    out_toks = tokens(out_body)
    r.words = len(vis_tokens)
    if vis_tokens:
        oc = collections.Counter(vis_tokens)
        pc = collections.Counter(out_toks)
        got = sum(min(c, pc[t]) for t, c in oc.items())
        r.recall = got / len(vis_tokens)
        r.order = lcs_length(vis_tokens, out_toks) / len(vis_tokens)
        if r.recall < args.min_recall:
            r.failed.append("recall")
            missing = collections.Counter({t: c - pc[t] for t, c in oc.items() if c > pc[t]})
            r.notes.append("recall: missing words (count): " + ", ".join(
                "%s(%d)" % (t, c) for t, c in missing.most_common(20)))
        if r.order < args.min_order:
            r.failed.append("order")
    else:
        r.recall = r.order = 1.0

    # width
    for n, line in enumerate(lines, 1):
        w = width(line)
        if w > args.max_columns and not single_token_line(line):
            r.wide += 1
            if r.wide <= args.max_details:
                r.notes.append("width: line %d is %d columns: %r" % (n, w, line))
    if r.wide:
        r.failed.append("width")
    return r


def fmt(x):
    return "-" if x is None else "%.3f" % x


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+", metavar="PATH")
    ap.add_argument("--filter", default=os.environ.get("MAILVEIL_FILTER", "mailveil-filter"),
                    help="the mailveil-filter binary (env MAILVEIL_FILTER)")
    ap.add_argument("--width", type=int, default=None,
                    help="pass --width N to the converter (default: its own, 72)")
    ap.add_argument("--max-columns", type=int, default=78)
    ap.add_argument("--min-recall", type=float, default=0.95)
    ap.add_argument("--min-order", type=float, default=0.90)
    ap.add_argument("--max-details", type=int, default=8)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--expect-fail", metavar="MEASURES",
                    help="comma-separated measures this (single) file is known to fail; "
                         "inverts the exit status, see the top of this file")
    ap.add_argument("-q", "--quiet", action="store_true", help="no details for failures")
    args = ap.parse_args(argv)

    files = []
    for p in args.paths:
        if os.path.isdir(p):
            files += sorted(os.path.join(p, f) for f in os.listdir(p) if f.endswith(".html"))
        else:
            files.append(p)
    if not files:
        print("check_quality: no HTML files", file=sys.stderr)
        return 2
    expected = None
    if args.expect_fail:
        expected = set(m.strip() for m in args.expect_fail.split(",") if m.strip())
        if len(files) != 1:
            print("check_quality: --expect-fail takes exactly one file", file=sys.stderr)
            return 2

    results = []
    for path in files:
        try:
            results.append(check_file(path, args))
        except Exception as e:  # a checker error must never look like a pass
            r = Result(path)
            r.error = "checker error: %s: %s" % (type(e).__name__, e)
            r.failed.append("run")
            results.append(r)

    prefix = os.path.commonpath([os.path.abspath(r.path) for r in results]) if len(results) > 1 else None
    for r in results:
        r.name = os.path.relpath(os.path.abspath(r.path), os.path.dirname(prefix)) if prefix else os.path.basename(r.path)
    namew = max(12, max(len(r.name) for r in results))
    head = "%-*s %6s %6s %6s %7s %6s %5s %-6s %s" % (
        namew, "file", "words", "recall", "order", "links", "lefto", "wide", "utf8", "result")
    print(head)
    print("-" * len(head))
    for r in results:
        if r.error:
            print("%-*s ERROR %s" % (namew, r.name, r.error))
            continue
        print("%-*s %6d %6s %6s %7s %6d %5d %-6s %s" % (
            namew, r.name, r.words, fmt(r.recall), fmt(r.order),
            "%d/%d" % (r.links_ok, r.links_total), r.leftover, r.wide, r.utf8,
            "FAIL:" + ",".join(r.failed) if r.failed else "ok"))
    if not args.quiet:
        for r in results:
            if r.notes:
                print("\n%s [%s]:" % (r.name, r.charset))
                for n in r.notes:
                    print("  " + n)
    bad = [r for r in results if r.failed]
    ok = [r for r in results if not r.failed and not r.error]
    recalls = [r.recall for r in results if r.recall is not None]
    orders = [r.order for r in results if r.order is not None]
    print("\nsummary: %d files, %d pass, %d fail; min recall %s, min order %s; "
          "thresholds recall>=%.2f order>=%.2f width<=%d" % (
              len(results), len(ok), len(bad),
              fmt(min(recalls)) if recalls else "-", fmt(min(orders)) if orders else "-",
              args.min_recall, args.min_order, args.max_columns))
    if expected is not None:
        r = results[0]
        got = set(r.failed)
        if r.error or "run" in got:
            print("UNEXPECTED: the checker could not judge this file (see above)")
            return 0
        if got == expected:
            print("known failure still there: %s (exit 1, which WILL_FAIL counts as a pass)"
                  % ",".join(sorted(got)))
            return 1
        if not got:
            print("UNEXPECTED: the file now passes every measure - remove it from "
                  "KNOWN_FAILURES in tests/html_quality/CMakeLists.txt")
        else:
            print("UNEXPECTED: fails %s, KNOWN_FAILURES says %s - update it"
                  % (",".join(sorted(got)), ",".join(sorted(expected))))
        return 0
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
