"""Mail traffic for the load tests: a deterministic mix of messages, a
threaded SMTP client that retries like an MTA, and what to count afterwards.

* ``load_message(index, tag)``: message number index of a run, the same bytes
  every time it is asked for (so 10,000 of them need not stay in memory).
  Plain text, multipart with a random attachment, HTML with a text
  alternative, HTML only; under 1 kB to about 280 kB; to a keyed recipient, an
  unkeyed one, both keyed ones, or a keyed and an unkeyed one (mailveil
  splits that transaction with 452 4.5.3; the client sends the refused
  recipient's copy again on its own, as an MTA would). Each carries its id
  in ``X-Load-Id`` and Message-ID (outer header fields, left in place by
  header protection) and in its body, and a body marker that must never be
  readable in a keyed recipient's mailbox.
* ``SmtpLoad``: N threads, each keeping one SMTP session open for a number of
  transactions. A 4xx reply, a refused recipient with 4xx, or a lost
  connection puts the message (or the recipient) back into the queue for
  another try after a short pause; 5xx is a permanent failure. It counts
  what it saw: accepted copies, 4xx replies by code, and "unknown outcome"
  retries (the connection was lost after DATA's final dot, where the server
  may have queued the message without the client hearing it: the only way a
  retrying client can duplicate mail).
* ``RssSampler``: a process's VmRSS over time, with the run's progress.
* ``delivered_by_id(paths)``: delivered files grouped by X-Load-Id.
* ``decrypt_all(home, armored)``: one ``gpg --decrypt-files`` run for many
  messages, with the key ids each was encrypted to.
"""

import base64
import collections
import heapq
import os
import random
import re
import smtplib
import subprocess
import tempfile
import threading
import time

BOB, CAROL, DAVE = "bob@example.org", "carol@example.org", "dave@example.org"
MARKER = "PLAINTEXT-MARKER"
# Recipients of message i: cycle of 20 (8 one keyed, 6 unkeyed, 4 both keyed,
# 2 keyed + unkeyed = split); kinds: cycle of 7 (prime to 20, so every kind
# meets every recipient set).
RECIPIENT_CYCLE = ([[BOB], [DAVE]] * 4 + [[CAROL]] * 6 + [[BOB, DAVE]] * 4
                   + [[BOB, CAROL], [DAVE, CAROL]])
KIND_CYCLE = ["plain", "plain", "attachment", "plain", "html_alternative", "attachment",
              "html_only"]
WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike "
         "november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee "
         "zulu").split()
ID_FIELD = re.compile(rb"^X-Load-Id: (L\d+)\r?$", re.M)


class LoadMessage:
    """One message of a run: id, kind, envelope recipients, bytes (CRLF), the
    text of its text part (for HTML only: of its paragraphs, one per line)
    and, for HTML mail, the HTML of its HTML part."""

    def __init__(self, ident, kind, recipients, data, text=None, html=None):
        self.ident, self.kind, self.recipients, self.data = ident, kind, recipients, data
        self.text, self.html = text, html


def message_id(index):
    return "L%07d" % index


def _line_pool():
    rng = random.Random("load-lines")
    # at most 7 words of at most 8 letters: under 72 columns, so text made
    # from the HTML is not rewrapped
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 7))) for _ in range(4096)]


LINES = _line_pool()


def _text(rng, size, ident, tag):
    """Lines of words (7bit, under 72 columns) of about size bytes, with the id
    and the plaintext marker."""
    lines = ["Message %s of load run %s." % (ident, tag), "%s-%s-%s" % (MARKER, tag, ident)]
    lines += rng.choices(LINES, k=size // 45 + 1)
    return "\r\n".join(lines) + "\r\n"


def _size(rng):
    """Mostly small, some large: 75% up to 6 kB, 22% up to 40 kB, 3% up to 200 kB."""
    roll = rng.random()
    if roll < 0.75:
        return rng.randint(300, 6_000)
    if roll < 0.97:
        return rng.randint(6_000, 40_000)
    return rng.randint(40_000, 200_000)


def load_message(index, tag):
    """Message number index of the run tagged tag (deterministic)."""
    rng = random.Random("%s/%d" % (tag, index))
    ident = message_id(index)
    recipients = RECIPIENT_CYCLE[index % len(RECIPIENT_CYCLE)]
    kind = KIND_CYCLE[index % len(KIND_CYCLE)]
    head = ["From: Load Sender <sender@example.net>",
            "To: " + ", ".join("<%s>" % r for r in recipients),
            "Subject: load %s %s" % (ident, kind),
            "Date: Sun, 29 Nov 2026 09:00:00 +0000",
            "Message-ID: <%s.%s@load.example.net>" % (ident, tag),
            "X-Load-Id: %s" % ident,
            "MIME-Version: 1.0"]
    text = _text(rng, _size(rng), ident, tag)
    html = None
    boundary = "=_load_%s_%s" % (tag, ident)
    if kind == "plain":
        head += ["Content-Type: text/plain; charset=us-ascii", "Content-Transfer-Encoding: 7bit"]
        body = text
    elif kind == "attachment":
        attachment = rng.randbytes(rng.randint(500, 60_000))
        head.append('Content-Type: multipart/mixed; boundary="%s"' % boundary)
        body = ("--%s\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n%s"
                "--%s\r\nContent-Type: application/octet-stream\r\n"
                'Content-Disposition: attachment; filename="%s.bin"\r\n'
                "Content-Transfer-Encoding: base64\r\n\r\n%s--%s--\r\n"
                % (boundary, text, boundary, ident,
                   base64.encodebytes(attachment).decode().replace("\n", "\r\n"), boundary))
    else:
        paragraphs = [line for line in text.split("\r\n") if line]
        html = ("<html><head><style>p { color: #333; }</style></head><body>\r\n%s</body></html>\r\n"
                % "".join("<p>%s</p>\r\n" % p for p in paragraphs))
        html_part = "Content-Type: text/html; charset=us-ascii\r\n\r\n" + html
        if kind == "html_only":
            head += ["Content-Type: text/html; charset=us-ascii"]
            body = html
        else:
            head.append('Content-Type: multipart/alternative; boundary="%s"' % boundary)
            body = ("--%s\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n%s"
                    "--%s\r\n%s--%s--\r\n" % (boundary, text, boundary, html_part, boundary))
    data = ("\r\n".join(head) + "\r\n\r\n" + body).encode("ascii")
    return LoadMessage(ident, kind, recipients, data, text=text, html=html)


class Outcome:
    """What the client saw over a run."""

    def __init__(self):
        self.lock = threading.Lock()
        self.accepted = collections.Counter()      # (id, recipient) -> times accepted
        self.tempfails = collections.Counter()     # reply code (or "connection") -> count
        self.permanent = []                        # (id, recipient, reply)
        self.unknown_outcome = 0                   # retries after losing a DATA reply
        self.messages_done = 0                     # jobs fully accepted
        self.transactions = 0

    def accepted_total(self):
        with self.lock:
            return self.messages_done


class _Job:
    def __init__(self, index, recipients):
        self.index, self.recipients, self.attempts = index, list(recipients), 0


class SmtpLoad:
    """Sends messages 0..count-1 of a run over `sessions` concurrent SMTP sessions.

    port: the smtpd to talk to; per_connection: transactions before a session
    reconnects; retry_delay: pause before another try of a message that got
    4xx or lost its connection (an MTA waits minutes; a test cannot).
    """

    def __init__(self, port, count, tag, sessions=50, per_connection=100, retry_delay=0.5,
                 timeout=180, max_attempts=200):
        self.port, self.count, self.tag, self.sessions = port, count, tag, sessions
        self.per_connection, self.retry_delay, self.timeout = per_connection, retry_delay, timeout
        self.max_attempts = max_attempts
        self.outcome = Outcome()
        self._ready = collections.deque(_Job(i, load_message(i, tag).recipients)
                                        for i in range(count))
        self._later = []  # heap of (not before, sequence, job)
        self._sequence = 0
        self._open = count  # jobs not yet fully accepted or failed
        self._cond = threading.Condition()

    # -- the queue ------------------------------------------------------

    def _next_job(self):
        with self._cond:
            while True:
                now = time.monotonic()
                while self._later and self._later[0][0] <= now:
                    self._ready.append(heapq.heappop(self._later)[2])
                if self._ready:
                    return self._ready.popleft()
                if self._open == 0:
                    return None
                wait = self._later[0][0] - now if self._later else 1.0
                self._cond.wait(min(wait, 1.0))

    def _retry(self, job, recipients):
        job = _Job(job.index, recipients) if recipients != job.recipients else job
        job.attempts += 1
        with self._cond:
            if job.attempts > self.max_attempts:
                self.outcome.permanent += [(message_id(job.index), r, "gave up")
                                           for r in recipients]
                return
            self._sequence += 1
            heapq.heappush(self._later, (time.monotonic() + self.retry_delay, self._sequence, job))
            self._open += 1  # the new try; the caller closes the old one
            self._cond.notify()

    def _finished(self):
        with self._cond:
            self._finished_locked()

    def _finished_locked(self):
        self._open -= 1
        self._cond.notify_all()

    # -- sending --------------------------------------------------------

    def run(self):
        threads = [threading.Thread(target=self._session, daemon=True)
                   for _ in range(self.sessions)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return self.outcome

    def _count_tempfail(self, code):
        with self.outcome.lock:
            self.outcome.tempfails[code] += 1

    def _session(self):
        smtp, used = None, 0
        while True:
            job = self._next_job()
            if job is None:
                break
            if smtp is None or used >= self.per_connection:
                _quit(smtp)
                smtp, used = None, 0
                try:
                    smtp = _Session("127.0.0.1", self.port, timeout=self.timeout)
                    smtp.ehlo("load.client.test")
                except (OSError, smtplib.SMTPException) as error:
                    _quit(smtp)
                    smtp = None
                    self._count_tempfail(_code_of(error))
                    self._retry(job, job.recipients)
                    self._finished()
                    continue
            used += 1
            try:
                reusable = self._transaction(smtp, job)
            except Exception as error:  # a bug here must fail the test, not hang it
                with self.outcome.lock:
                    self.outcome.permanent.append((message_id(job.index), None, repr(error)))
                self._finished()
                reusable = False
            if not reusable:
                _quit(smtp)
                smtp = None
        _quit(smtp)

    def _transaction(self, smtp, job):
        """One try of job; True when the session can be used again."""
        data = load_message(job.index, self.tag).data
        reusable = True
        try:
            refused = smtp.sendmail("sender@example.net", job.recipients, data)
        except smtplib.SMTPRecipientsRefused as error:
            refused, accepted = error.recipients, []
            try:
                smtp.rset()
            except (OSError, smtplib.SMTPException):
                reusable = False
        except smtplib.SMTPResponseException as error:
            self._fail_or_retry(job, job.recipients, error.smtp_code, error.smtp_error)
            try:
                smtp.rset()
            except (OSError, smtplib.SMTPException):
                reusable = False
            return reusable
        except (OSError, smtplib.SMTPException) as error:
            # The connection broke. If it broke after the final dot, the server
            # may have queued the message: a retry can then deliver it twice.
            if smtp.in_data:
                with self.outcome.lock:
                    self.outcome.unknown_outcome += 1
            self._count_tempfail(_code_of(error))
            self._retry(job, job.recipients)
            self._finished()
            return False
        else:
            accepted = [r for r in job.recipients if r not in refused]
        with self.outcome.lock:
            self.outcome.transactions += 1
            for recipient in accepted:
                self.outcome.accepted[(message_id(job.index), recipient)] += 1
        if refused:
            by_code = collections.defaultdict(list)
            for recipient, (code, reply) in refused.items():
                by_code[(code, reply)].append(recipient)
            for (code, reply), recipients in by_code.items():
                self._fail_or_retry(job, recipients, code, reply, finish=False)
            self._finished()
        else:
            with self.outcome.lock:
                self.outcome.messages_done += 1
            self._finished()
        return reusable

    def _fail_or_retry(self, job, recipients, code, reply, finish=True):
        if 400 <= code < 500:
            self._count_tempfail(code)
            self._retry(job, recipients)
        else:
            with self.outcome.lock:
                self.outcome.permanent += [(message_id(job.index), r, "%d %s" % (code, reply))
                                           for r in recipients]
        if finish:
            self._finished()


class _Session(smtplib.SMTP):
    """smtplib.SMTP that knows whether it is inside DATA (where a lost
    connection leaves the outcome unknown)."""

    in_data = False

    def mail(self, *args, **kwargs):
        self.in_data = False
        return super().mail(*args, **kwargs)

    def data(self, msg):
        self.in_data = True
        return super().data(msg)


def _code_of(error):
    return getattr(error, "smtp_code", None) or "connection"


def _quit(smtp):
    if smtp is None:
        return
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


class RssSampler(threading.Thread):
    """Samples VmRSS (kB) of the process pid() names every interval seconds,
    with progress() at that moment, until stop()."""

    def __init__(self, pid, progress, interval=0.25):
        super().__init__(daemon=True)
        self.pid, self.progress, self.interval = pid, progress, interval
        self.samples = []  # (seconds since start, progress, rss kB)
        self._stop_event = threading.Event()

    def run(self):
        start = time.monotonic()
        while not self._stop_event.wait(self.interval):
            rss = vm_rss_kb(self.pid())
            if rss is not None:
                self.samples.append((time.monotonic() - start, self.progress(), rss))

    def stop(self):
        self._stop_event.set()
        self.join()


def vm_rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def cpu_seconds(pid):
    """CPU time of a process and its reaped children (user + system), seconds."""
    with open("/proc/%d/stat" % pid) as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def quarter_peaks(samples, total):
    """Max RSS in each quarter of the run, quarters by progress (messages done)."""
    return _peaks(samples, total, 4)


def tenth_peaks(samples, total):
    return _peaks(samples, total, 10)


def _peaks(samples, total, parts):
    peaks = [0] * parts
    for _, done, rss in samples:
        part = min(parts - 1, done * parts // total)
        peaks[part] = max(peaks[part], rss)
    return peaks


def delivered_by_id(paths):
    """{id: [path, ...]} of delivered files, by their X-Load-Id field; files
    without one under None."""
    found = collections.defaultdict(list)
    for path in paths:
        with open(path, "rb") as message:
            head = message.read(8192)
        match = ID_FIELD.search(head.split(b"\n\n", 1)[0])
        found[match.group(1).decode() if match else None].append(path)
    return found


def decrypt_all(home, armored_by_id, chunk=400):
    """Decrypts many armored messages with GnuPG home `home` in a few gpg runs.

    Returns {id: (plaintext bytes or None, [key ids it was encrypted to])}.
    """
    results = {}
    with tempfile.TemporaryDirectory(prefix="load-decrypt-") as folder:
        names = {}
        for ident, armored in armored_by_id.items():
            path = os.path.join(folder, ident + ".asc")
            with open(path, "wb") as out:
                out.write(armored)
            names[path] = ident
        paths = sorted(names)
        for start in range(0, len(paths), chunk):
            batch = paths[start:start + chunk]
            status = home.run("--status-fd", "1", "--decrypt-files", *batch,
                              check=False).stdout.decode("utf-8", "replace")
            key_ids = collections.defaultdict(list)
            current = None
            for line in status.splitlines():
                fields = line.split()
                if fields[:2] == ["[GNUPG:]", "FILE_START"]:
                    current = names.get(fields[3])
                elif fields[:2] == ["[GNUPG:]", "ENC_TO"] and current:
                    key_ids[current].append(fields[2])
            for path in batch:
                ident = names[path]
                plain = path[:-len(".asc")]
                data = None
                if os.path.exists(plain):
                    with open(plain, "rb") as source:
                        data = source.read()
                results[ident] = (data, sorted(key_ids[ident]))
    return results
