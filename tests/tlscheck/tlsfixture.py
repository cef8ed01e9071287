"""tlsfixture - test certificates, private Postfix instances, gnutls-serv and
the mailveil-tlscheck command, for the tlscheck integration tests.

Everything listens on 127.0.0.1 on ports picked at run time, lives in a
private temporary directory and is stopped again when the test ends.
Failure modes: a missing package or missing root skips the test (exit 77,
shown by CTest as skipped) unless CI=true, where it fails loudly; a server
that does not come up raises, failing the test with its log.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77


def need(condition, what):
    """Skip (or, with CI=true, fail) when a precondition is missing."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        print(f"FAIL: {what} (required in CI)", file=sys.stderr)
        sys.exit(1)
    print(f"SKIP: {what}", file=sys.stderr)
    sys.exit(SKIP)


def need_programs(*names):
    for n in names:
        need(shutil.which(n) or os.path.exists(f"/usr/sbin/{n}"), f"{n} is not installed")


def need_root():
    need(os.geteuid() == 0, "needs root (runs a private Postfix)")


def free_port(host="127.0.0.1"):
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def stop_process(proc):
    """SIGTERM, then SIGKILL after 5 s; waits for the process either way."""
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_for_port(port, timeout=15.0, log=None, host="127.0.0.1"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    detail = open(log).read()[-3000:] if log and os.path.exists(log) else ""
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s\n{detail}")


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


class Certs:
    """A test CA and leaves: good, self-signed, expired, wrong host name."""

    NAME = "mail.test.example"

    def __init__(self, base):
        self.dir = os.path.join(base, "certs")
        os.makedirs(self.dir)
        d = self.dir
        with open(os.path.join(d, "ca.cnf"), "w") as f:
            f.write(
                "[ca]\ndefault_ca = testca\n[testca]\ndir = .\ndatabase = index.txt\n"
                "new_certs_dir = .\nserial = serial\ndefault_md = sha256\npolicy = anything\n"
                "unique_subject = no\n[anything]\ncommonName = supplied\n"
                "[good]\nsubjectAltName = DNS:mail.test.example, DNS:*.mx.test.example\n"
                "basicConstraints = CA:FALSE\nextendedKeyUsage = serverAuth\n"
                "[wrong]\nsubjectAltName = DNS:other.test.example\n"
                "basicConstraints = CA:FALSE\nextendedKeyUsage = serverAuth\n"
                "[intermediate]\nbasicConstraints = critical, CA:TRUE, pathlen:0\n"
                "keyUsage = critical, keyCertSign, cRLSign\n"
            )
        open(os.path.join(d, "index.txt"), "w").close()
        with open(os.path.join(d, "serial"), "w") as f:
            f.write("01\n")
        run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
             "-out", "ca.pem", "-days", "60", "-subj", "/CN=mailveil tlscheck test CA"], cwd=d)
        self._leaf("good", "good", None, None)
        self._leaf("expired", "good", "20200101000000Z", "20210101000000Z")
        self._leaf("wronghost", "wrong", None, None)
        run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
             "selfsigned.key", "-out", "selfsigned.pem", "-days", "365", "-subj",
             f"/CN={self.NAME}", "-addext", f"subjectAltName=DNS:{self.NAME}"], cwd=d)
        self.ca = os.path.join(d, "ca.pem")

    def _leaf(self, name, section, start, end, issuer="ca", cn=None):
        d = self.dir
        run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key",
             "-out", f"{name}.csr", "-subj", f"/CN={cn or self.NAME}"], cwd=d)
        dates = ["-startdate", start, "-enddate", end] if start else ["-days", "365"]
        run(["openssl", "ca", "-batch", "-config", "ca.cnf", "-cert", f"{issuer}.pem",
             "-keyfile", f"{issuer}.key", "-in", f"{name}.csr", "-out", f"{name}.pem",
             "-extensions", section, "-notext", *dates], cwd=d)

    def chain(self):
        """An intermediate CA under the test CA, a leaf signed by it, and
        chained.pem = leaf + intermediate (what a server should send)."""
        self._leaf("intermediate", "intermediate", None, None, cn="mailveil tlscheck test sub-CA")
        self._leaf("subleaf", "good", None, None, issuer="intermediate")
        with open(os.path.join(self.dir, "chained.pem"), "w") as f:
            f.write(open(self.cert("subleaf")).read() + open(self.cert("intermediate")).read())
        return self.cert("chained"), self.cert("subleaf"), self.key("subleaf")

    def cert(self, name):
        return os.path.join(self.dir, f"{name}.pem")

    def key(self, name):
        return os.path.join(self.dir, f"{name}.key")


def allow_config_dir(etc):
    """Root may run `postfix -c DIR` without this (seen on Debian 12); if a
    Postfix refuses, list DIR in /etc/postfix/main.cf: one appended line that
    keeps the current value spelled out (never a $alternate_config_directories
    self-reference, which breaks postconf) and adds ours. Idempotent."""
    r = subprocess.run(["postconf", "-h", "alternate_config_directories"],
                       capture_output=True, text=True)
    current = r.stdout.split()
    if etc in current:
        return
    with open("/etc/postfix/main.cf", "a") as f:
        f.write(f"alternate_config_directories = {' '.join(current + [etc])}\n")


class Postfix:
    """A private Postfix instance on 127.0.0.1 (port 25 role on a free port),
    optionally with an implicit-TLS (smtps) service on a second port."""

    def __init__(self, base, name, settings, smtps=False, ipv6=False):
        self.dir = os.path.join(base, name)
        self.etc = os.path.join(self.dir, "etc")
        self.log = os.path.join(self.dir, "maillog")
        self.host = "::1" if ipv6 else "127.0.0.1"
        self.port = free_port(self.host)
        self.smtps_port = free_port() if smtps else None
        for sub in ("etc", "data", "spool"):
            os.makedirs(os.path.join(self.dir, sub))
        shutil.chown(os.path.join(self.dir, "data"), user="postfix")
        d = self.dir
        main = {
            "compatibility_level": "3.6",
            "queue_directory": f"{d}/spool",
            "data_directory": f"{d}/data",
            "maillog_file": self.log,
            "maillog_file_prefixes": d,
            "inet_interfaces": "[::1]" if ipv6 else "127.0.0.1",
            "inet_protocols": "ipv6" if ipv6 else "ipv4",
            "mynetworks": "127.0.0.0/8",
            "mydestination": "",
            "alias_maps": "",
            "alias_database": "",
            "myhostname": "mail.test.example",
            "smtpd_banner": "$myhostname ESMTP tlscheck-test",
        }
        main.update(settings)
        with open(os.path.join(self.etc, "main.cf"), "w") as f:
            for k, v in main.items():
                f.write(f"{k} = {v}\n")
        with open("/etc/postfix/master.cf") as f:
            master = f.read().splitlines()
        out = []
        for line in master:
            if line.startswith("smtp      inet"):
                listen = f"[::1]:{self.port}" if ipv6 else f"127.0.0.1:{self.port}"
                out.append(f"{listen} inet n - n - - smtpd")
                if smtps:
                    out.append(f"127.0.0.1:{self.smtps_port} inet n - n - - smtpd")
                    out.append("  -o smtpd_tls_wrappermode=yes")
                    out.append("  -o smtpd_tls_security_level=encrypt")
            else:
                out.append(line)
        with open(os.path.join(self.etc, "master.cf"), "w") as f:
            f.write("\n".join(out) + "\n")

    def __enter__(self):
        r = subprocess.run(["postfix", "-c", self.etc, "start"], capture_output=True, text=True)
        if r.returncode != 0 and "alternate_config_directories" in r.stdout + r.stderr:
            allow_config_dir(self.etc)
            r = subprocess.run(["postfix", "-c", self.etc, "start"], capture_output=True,
                               text=True)
        if r.returncode != 0:
            noise = "overriding earlier entry"  # other instances' lines in /etc/postfix/main.cf
            text = "\n".join(l for l in (r.stdout + r.stderr).splitlines() if noise not in l)
            raise RuntimeError(f"postfix start failed: {text}")
        wait_for_port(self.port, log=self.log, host=self.host)
        if self.smtps_port:
            wait_for_port(self.smtps_port, log=self.log)
        return self

    def __exit__(self, *exc):
        subprocess.run(["postfix", "-c", self.etc, "stop"], capture_output=True)
        pid_file = os.path.join(self.dir, "spool", "pid", "master.pid")
        try:
            pid = int(open(pid_file).read().split()[0])
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                os.kill(pid, 0)
                time.sleep(0.1)
            os.kill(pid, signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            pass


class GnutlsServ:
    """gnutls-serv with a permissive priority string: a weak implicit-TLS server."""

    PRIORITY = "NORMAL:+ARCFOUR-128:+3DES-CBC:+VERS-TLS1.0:+VERS-TLS1.1:+RSA"

    def __init__(self, base, cert, key, priority=PRIORITY):
        self.port = free_port()
        self.log = os.path.join(base, "gnutls-serv.log")
        self.cmd = ["gnutls-serv", "--echo", "-p", str(self.port), "--x509certfile", cert,
                    "--x509keyfile", key, "--priority", priority]
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen(self.cmd, stdout=open(self.log, "w"),
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        wait_for_port(self.port, log=self.log)
        return self

    def __exit__(self, *exc):
        stop_process(self.proc)


def tool():
    path = os.environ.get("TLSCHECK")
    need(path and os.path.exists(path), "TLSCHECK does not name the built mailveil-tlscheck")
    return path


def check(*args, timeout=120):
    """Run mailveil-tlscheck; returns (exit code, stdout, stderr)."""
    r = subprocess.run([tool(), "--no-color", *args], capture_output=True, text=True,
                       timeout=timeout)
    return r.returncode, r.stdout, r.stderr


def check_json(*args):
    code, out, err = check("--json", *args)
    try:
        doc = json.loads(out)
    except json.JSONDecodeError as e:
        raise AssertionError(f"not JSON ({e}): {out!r} {err!r}")
    return code, doc


def tempdir(name):
    base = os.environ.get("TLSCHECK_TMP", tempfile.gettempdir())
    os.makedirs(base, exist_ok=True)
    d = tempfile.TemporaryDirectory(prefix=f"{name}-", dir=base)
    os.chmod(d.name, 0o755)  # Postfix's unprivileged processes must reach their queue
    return d


class Checker:
    """Collects failed expectations and reports them all at the end."""

    def __init__(self, name):
        self.name = name
        self.failures = []
        self.passed = 0

    def eq(self, what, got, want):
        if got == want:
            self.passed += 1
        else:
            self.failures.append(f"{what}: got {got!r}, want {want!r}")

    def true(self, what, cond, detail=""):
        if cond:
            self.passed += 1
        else:
            self.failures.append(f"{what} {detail}".strip())

    def finish(self):
        for f in self.failures:
            print(f"FAIL {self.name}: {f}", file=sys.stderr)
        print(f"{self.name}: {self.passed} passed, {len(self.failures)} failed")
        sys.exit(1 if self.failures else 0)


def finding_ids(doc, severity=None):
    return sorted(f["id"] for f in doc["findings"]
                  if severity is None or f["severity"] == severity)


def suite_codes(doc, version):
    suites = doc.get("suites") or {}
    return sorted(s["code"] for s in suites.get(version, {}).get("accepted", []))


def accepted_protocols(doc):
    return sorted(v for v, ok in (doc.get("protocols") or {}).items() if ok)


def exim_tree():
    """Debian's Exim (GnuTLS build), unpacked from the archive beside Postfix
    (the two packages conflict, so it is never installed). Cached next to
    the test temp dir; needs `apt-get download` to reach Debian's archive and
    libidn12 installed (scripts/deps/tlscheck.txt)."""
    cache = os.path.join(os.environ.get("TLSCHECK_TMP", tempfile.gettempdir()), "exim-deb")
    binary = os.path.join(cache, "root", "usr", "sbin", "exim4")
    if os.path.exists(binary):
        return binary
    os.makedirs(cache, exist_ok=True)
    r = subprocess.run(["apt-get", "download", "exim4-daemon-light", "exim4-base"], cwd=cache,
                       capture_output=True, text=True)
    debs = [f for f in os.listdir(cache) if f.endswith(".deb")]
    need(len(debs) == 2, f"cannot download Exim's packages from Debian's archive: {r.stderr}")
    for deb in debs:
        run(["dpkg", "-x", deb, "root"], cwd=cache)
    return binary


class Exim:
    """An Exim daemon on 127.0.0.1 from the unpacked package, run in a private
    mount namespace where /etc/passwd has the Debian-exim user it was built
    for (nothing on the machine changes). `wrapper` runs that exim with our
    config and any arguments, e.g. for `--exim=WRAPPER` (exim -bP)."""

    def __init__(self, base, cert, key, tls_require_ciphers, extra=""):
        exim = exim_tree()
        self.dir = os.path.join(base, "exim")
        self.port = free_port()
        for sub in ("spool", "log"):
            os.makedirs(os.path.join(self.dir, sub))
            os.chmod(os.path.join(self.dir, sub), 0o777)
        os.chmod(self.dir, 0o755)
        d = self.dir
        shutil.copy(key, os.path.join(d, "key.pem"))
        os.chmod(os.path.join(d, "key.pem"), 0o644)  # Exim reads it as the exim user
        with open(os.path.join(d, "passwd"), "w") as f:
            f.write(open("/etc/passwd").read())
            f.write("Debian-exim:x:65534:65534::/nonexistent:/usr/sbin/nologin\n")
        with open(os.path.join(d, "group"), "w") as f:
            f.write(open("/etc/group").read())
            f.write("Debian-exim:x:65534:\n")
        self.conf = os.path.join(d, "exim.conf")
        with open(self.conf, "w") as f:
            f.write(f"""exim_user = nobody
exim_group = nogroup
primary_hostname = mail.test.example
spool_directory = {d}/spool
log_file_path = {d}/log/%slog
daemon_smtp_ports = {self.port}
local_interfaces = 127.0.0.1
keep_environment =
tls_advertise_hosts = *
tls_certificate = {cert}
tls_privatekey = {d}/key.pem
tls_require_ciphers = {tls_require_ciphers}
{extra}
acl_smtp_rcpt = acl_check_rcpt
begin acl
acl_check_rcpt:
  deny
""")
        self.wrapper = os.path.join(d, "exim-wrapper")
        with open(self.wrapper, "w") as f:
            f.write(f"""#!/bin/sh
# exim with the test config, in a mount namespace that knows Debian-exim
exec unshare -m sh -c 'mount --bind {d}/passwd /etc/passwd && \\
  mount --bind {d}/group /etc/group && exec "$0" -C {self.conf} "$@"' {exim} "$@"
""")
        os.chmod(self.wrapper, 0o755)
        self.log = os.path.join(d, "log", "mainlog")
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen([self.wrapper, "-bdf", "-odqs"], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, log=self.log)
        return self

    def __exit__(self, *exc):
        stop_process(self.proc)


class RefusingProxy:
    """A TCP relay to 127.0.0.1:target that turns every `every`-th connection
    away with "421 4.3.2 Too many connections" (what a busy Exim or Postfix
    says), deterministically, to exercise the scanner's back-off."""

    def __init__(self, target, every=3):
        import threading
        self.threading = threading
        self.target = target
        self.every = every
        self.count = 0
        self.refused = 0
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]

    def __enter__(self):
        self.threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.sock.close()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.count += 1
            if self.count % self.every == 0:
                self.refused += 1
                try:
                    conn.sendall(b"421 4.3.2 Too many connections, try again later\r\n")
                finally:
                    conn.close()
                continue
            self.threading.Thread(target=self._relay, args=(conn,), daemon=True).start()

    def _relay(self, client):
        try:
            upstream = socket.create_connection(("127.0.0.1", self.target), timeout=10)
        except OSError:
            client.close()
            return

        def pump(src, dst):
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                for s in (src, dst):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        t = self.threading.Thread(target=pump, args=(upstream, client), daemon=True)
        t.start()
        pump(client, upstream)
        t.join(timeout=10)
        client.close()
        upstream.close()


def check_tty(*args):
    """Run mailveil-tlscheck on a pseudo-terminal (stdout and stderr);
    returns (exit code, everything it wrote)."""
    import pty
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execv(tool(), [tool(), *args])
        finally:
            os._exit(127)
    out = b""
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        out += data
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode(errors="replace")
