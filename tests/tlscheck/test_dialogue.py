#!/usr/bin/python3
"""test_dialogue - the SMTP dialogue against misbehaving servers, and the
command line's exit codes.

A small scripted SMTP server (std-lib sockets, one thread per connection)
plays each misbehaviour: slow multi-line replies, no STARTTLS, a dropped
connection, a garbage banner, 421 at the banner, STARTTLS refused with AUTH
offered in clear, and silence. Every one must end as a finding with the
right exit code, never as a crash or a hang. Needs no root and no package.
"""

import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlsfixture as fx  # noqa: E402


class ScriptedServer:
    """Answers each connection with `script(conn)`."""

    def __init__(self, script, family=socket.AF_INET):
        self.script = script
        self.sock = socket.socket(family)
        self.sock.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            with conn:
                self.script(conn)
        except OSError:
            pass

    def close(self):
        self.stop = True
        self.sock.close()


def read_line(conn):
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(1)
        if not chunk:
            return None
        data += chunk
    return data.decode().strip()


def slow_no_starttls(conn):
    for piece in (b"220-mx.test", b".example slow\r\n", b"220 second line\r\n"):
        conn.sendall(piece)
        time.sleep(0.2)
    read_line(conn)  # EHLO
    conn.sendall(b"250-mx.test.example\r\n")
    time.sleep(0.2)
    conn.sendall(b"250-PIPELINING\r\n250 8BITMIME\r\n")
    read_line(conn)  # QUIT
    conn.sendall(b"221 bye\r\n")


def drop_after_banner(conn):
    conn.sendall(b"220 mx.test.example ESMTP\r\n")
    read_line(conn)


def garbage_banner(conn):
    conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
    time.sleep(0.5)


def busy(conn):
    conn.sendall(b"421 4.3.2 Too many connections, try later\r\n")


def starttls_refused(conn):
    conn.sendall(b"220 mx.test.example ESMTP\r\n")
    read_line(conn)
    conn.sendall(b"250-mx.test.example\r\n250-AUTH PLAIN LOGIN\r\n250 STARTTLS\r\n")
    read_line(conn)
    conn.sendall(b"454 4.7.0 TLS not available due to local problem\r\n")
    read_line(conn)
    conn.sendall(b"221 bye\r\n")


class BusyTwice:
    """421 to the first two connections, then a normal server without STARTTLS."""

    def __init__(self):
        self.seen = 0

    def __call__(self, conn):
        self.seen += 1
        if self.seen <= 2:
            conn.sendall(b"421 4.3.2 Too many connections\r\n")
            return
        slow_no_starttls(conn)


def silent(conn):
    time.sleep(5)


def main():
    c = fx.Checker("dialogue")

    code, out, err = fx.check()
    c.eq("no arguments: exit", code, 3)
    c.true("no arguments: usage on stderr", "usage:" in err, err)
    code, _, err = fx.check("--frobnicate", "x")
    c.eq("unknown option: exit", code, 3)
    code, _, _ = fx.check("host:70000")
    c.eq("bad port: exit", code, 3)
    code, out, _ = fx.check("--nagios", "host:70000")
    c.true("bad port: nagios line", code == 3 and out.startswith("TLSCHECK UNKNOWN - "), out)
    code, out, _ = fx.check("--help")
    c.true("--help exits 0 with usage", code == 0 and "usage:" in out)

    port = fx.free_port()  # nothing listens there
    code, doc = fx.check_json(f"127.0.0.1:{port}")
    c.eq("refused: exit", code, 3)
    c.eq("refused: status", doc["status"], "UNKNOWN")
    c.eq("refused: finding", fx.finding_ids(doc), ["connect.failed"])
    code, out, _ = fx.check("--nagios", f"127.0.0.1:{port}")
    c.true("refused: nagios line", code == 3 and out.startswith("TLSCHECK UNKNOWN - "), out)

    cases = [
        ("slow multi-line, no STARTTLS", slow_no_starttls, [], 2, ["smtp.starttls.missing"]),
        ("dropped after the banner", drop_after_banner, [], 3, ["smtp.ehlo"]),
        ("garbage banner", garbage_banner, [], 3, ["smtp.banner"]),
        ("421 at the banner", busy, [], 3, ["smtp.banner"]),
        ("STARTTLS refused, AUTH in clear", starttls_refused, [], 2,
         ["smtp.starttls.failed", "smtp.auth_before_tls"]),
        ("silent server", silent, ["--timeout", "1"], 3, ["smtp.banner"]),
        ("421 twice, then a greeting", BusyTwice(), [], 2, ["smtp.starttls.missing"]),
    ]
    for label, script, extra, want_code, want_ids in cases:
        server = ScriptedServer(script)
        try:
            start = time.monotonic()
            code, doc = fx.check_json(*extra, f"127.0.0.1:{server.port}")
            elapsed = time.monotonic() - start
        finally:
            server.close()
        c.eq(f"{label}: exit", code, want_code)
        ids = fx.finding_ids(doc)
        for i in want_ids:
            c.true(f"{label}: finding {i}", i in ids, f"(got {ids})")
        c.true(f"{label}: finishes promptly", elapsed < 8, f"({elapsed:.1f} s)")
        if script is slow_no_starttls:
            c.eq("slow banner joined", doc["smtp"]["banner"],
                 "220 mx.test.example slow / second line")
            c.eq("no scan without STARTTLS", doc["protocols"], None)
    # IPv6: the same dialogue over [::1] (loopback has ::1 unless IPv6 is off).
    if socket.has_ipv6:
        try:
            server = ScriptedServer(slow_no_starttls, socket.AF_INET6)
        except OSError:
            server = None
        fx.need(server is not None, "no IPv6 on the loopback interface")
        try:
            code, doc = fx.check_json("-6", f"[::1]:{server.port}")
        finally:
            server.close()
        c.eq("IPv6: exit", code, 2)
        c.eq("IPv6: peer", doc["target"]["peer"], f"[::1]:{server.port}")
        c.true("IPv6: dialogue ran", "smtp.starttls.missing" in fx.finding_ids(doc))
    c.finish()


if __name__ == "__main__":
    main()
