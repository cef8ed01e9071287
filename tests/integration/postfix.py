"""A private Postfix instance on 127.0.0.1 for the integration tests and the demo.

Follows shared/notes/mta-on-loopback.md: a throw-away config directory
``ROOT/etc`` (registered in ``alternate_config_directories`` of the default
``/etc/postfix/main.cf``, which Postfix insists on), its own queue, data
directory and log file, an smtpd on a loopback port, the milter given for both
SMTP and ``sendmail`` mail, and virtual delivery into one Maildir per
recipient: ``ROOT/mail/<local part>/``. Mail to any other domain (bounces
included) goes to the error transport, never to the network. No daemon is chrooted, and nothing
needs syslog: Postfix writes ``ROOT/maillog`` itself.

Needs root (Postfix starts as root and drops to the ``postfix`` user).
"""

import fcntl
import os
import pwd
import random
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DEFAULT_MAIN_CF = "/etc/postfix/main.cf"
STOCK_MASTER_CF = "/etc/postfix/master.cf"
SENDMAIL = "/usr/sbin/sendmail"
DOMAIN = "example.org"


PORT_REGISTRY = "/tmp/mailveil-test-ports"
PORT_HOLD_SECONDS = 900


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now.

    Picked at random below the kernel's ephemeral range: a port from that
    range can be taken, before the server binds it, by an outgoing connection
    of a test running at the same time (ctest runs the scenarios in parallel).
    Each pick is written in PORT_REGISTRY (under a lock) and no other pick
    takes it for PORT_HOLD_SECONDS, so two tests never get the same port
    between the pick and the bind.
    """
    low = _ephemeral_ports_start()
    with open(PORT_REGISTRY, "a+") as registry:
        fcntl.flock(registry, fcntl.LOCK_EX)
        registry.seek(0)
        now = time.time()
        held = {}
        for line in registry.read().split("\n"):
            fields = line.split()
            if len(fields) == 2 and fields[0].isdigit():
                try:
                    picked_at = float(fields[1])
                except ValueError:
                    continue
                if now - picked_at < PORT_HOLD_SECONDS:
                    held[int(fields[0])] = picked_at
        for _ in range(1000):
            port = random.randrange(10000, low)
            if port in held:
                continue
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                try:
                    probe.bind(("127.0.0.1", port))
                except OSError:
                    continue
            held[port] = now
            registry.seek(0)
            registry.truncate()
            registry.write("".join("%d %.0f\n" % entry for entry in held.items()))
            return port
    raise AssertionError("no free TCP port between 10000 and %d" % low)


def _ephemeral_ports_start():
    """The first port of net.ipv4.ip_local_port_range (32768 if unreadable)."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as ports:
            return max(int(ports.read().split()[0]), 10001)
    except (OSError, ValueError, IndexError):
        return 32768


def port_accepts(port, host="127.0.0.1"):
    """True when a TCP connection to host:port succeeds."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def wait_until(condition, timeout, interval=0.1):
    """Polls condition() until it returns a true value; returns it, or None on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)


def register_config_directory(config_dir, main_cf=DEFAULT_MAIN_CF):
    """Lists config_dir in alternate_config_directories of the default main.cf.

    Creates main.cf if missing. Keeps every other line, and rewrites the
    setting as one line: the directories listed before that still exist, plus
    config_dir. So the file does not grow with every test run. Writers lock
    main.cf's folder meanwhile, so concurrent tests and runs (other build
    trees, the demo) cannot lose each other's entries; the new text replaces
    main.cf by rename, so a Postfix starting meanwhile never reads a
    half-written file.
    """
    folder = os.open(os.path.dirname(main_cf), os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        try:
            with open(main_cf) as cf:
                text = cf.read()
        except FileNotFoundError:
            text = ""
        listed = _parameter_value(text, "alternate_config_directories").replace(",", " ").split()
        if config_dir in listed and text.count("alternate_config_directories") == 1:
            return
        kept = [d for d in dict.fromkeys(listed) if os.path.isdir(d) and d != config_dir]
        others = _without_parameter(text, "alternate_config_directories")
        written = main_cf + ".mailveil-new"
        with open(written, "w") as cf:
            cf.write(others + "alternate_config_directories = %s\n" % " ".join(kept + [config_dir]))
        os.chmod(written, 0o644)
        os.replace(written, main_cf)
    finally:
        os.close(folder)


def _without_parameter(main_cf_text, name):
    """main.cf text without any setting of name (and its continuation lines)."""
    out = []
    skipping = False
    for line in main_cf_text.splitlines():
        if skipping and line[:1].isspace() and not line.strip().startswith("#"):
            continue
        skipping = re.match(r"%s\s*=" % re.escape(name), line) is not None
        if not skipping:
            out.append(line)
    return "".join(l + "\n" for l in out)


def _parameter_value(main_cf_text, name):
    """The last value of a parameter in main.cf text (with continuation lines)."""
    value = ""
    lines = main_cf_text.splitlines()
    for index, line in enumerate(lines):
        match = re.match(r"%s\s*=(.*)$" % re.escape(name), line)
        if match:
            value = match.group(1)
            for continuation in lines[index + 1:]:
                if not continuation[:1].isspace() or continuation.strip().startswith("#"):
                    break
                value += " " + continuation
    return value.strip()


def _entries(lines):
    """master.cf lines grouped as (key, lines): key (service, type) for a service
    entry with its continuation lines, None for comments and blank lines."""
    entries = []
    for line in lines:
        if line[:1].isspace() and line.strip() and entries and entries[-1][0]:
            entries[-1][1].append(line)
        elif line.strip() and not line.startswith("#"):
            fields = line.split()
            entries.append(((fields[0], fields[1]), [line]))
        else:
            entries.append((None, [line]))
    return entries


def _without_chroot(line):
    """A master.cf service line with "n" in its chroot column (others unchanged)."""
    fields = line.split()
    if len(fields) >= 8 and not line[:1].isspace() and not line.startswith("#"):
        fields[4] = "n"
        return "  ".join(fields)
    return line


class PostfixInstance:
    """One Postfix under root: etc/, spool/, data/, mail/, maillog."""

    def __init__(self, root, smtp_port, milter_port, main_cf=None, master_cf=()):
        """milter_port None: no milter at all (a plain relay, for instance); a
        string is a milter address as main.cf writes it ("unix:/path").

        main_cf: settings added to, or replacing, the ones written here;
        master_cf: master.cf lines, appended, or replacing the stock entry of the
        same service (see _write_master_cf); chroot is turned off there too. Two instances need distinct roots and
        ports, and distinct myhostname values when one relays to the other
        (Postfix's smtp client refuses a server greeting with its own name).
        """
        self.root = os.path.abspath(root)
        self.etc = os.path.join(self.root, "etc")
        self.maillog = os.path.join(self.root, "maillog")
        self.mail_base = os.path.join(self.root, "mail")
        self.smtp_port = smtp_port
        self.milter_port = milter_port
        self.main_cf = dict(main_cf or {})
        self.master_cf = list(master_cf)

    # -- set-up ---------------------------------------------------------

    def create(self, addresses):
        """Writes a fresh configuration with a Maildir for each of addresses.

        An instance an earlier run left in the same root is stopped first.
        """
        self.stop()
        self._remove_spool()
        for sub in ("etc", "data", "mail"):
            shutil.rmtree(os.path.join(self.root, sub), ignore_errors=True)
        for sub in ("etc", "data", "mail"):
            os.makedirs(os.path.join(self.root, sub))
        self._make_spool()
        owner = pwd.getpwnam("postfix")
        for sub in ("data", "mail"):
            os.chown(os.path.join(self.root, sub), owner.pw_uid, owner.pw_gid)
        with open(self.maillog, "w"):
            pass
        self._write_main_cf(owner, addresses)
        self._write_master_cf()
        register_config_directory(self.etc)

    @property
    def spool(self):
        """The queue directory: ROOT/spool, or where that link points."""
        return os.path.realpath(os.path.join(self.root, "spool"))

    def _make_spool(self):
        """Creates ROOT/spool; a link to a short /tmp folder when ROOT is deep.

        Postfix binds unix sockets such as spool/public/postlog, and socket
        paths are limited to 108 bytes; a longer one makes ``postfix start``
        fail with nothing in the maillog.
        """
        spool = os.path.join(self.root, "spool")
        if len(spool + "/private/proxywrite") < 100:
            os.makedirs(spool)
        else:
            short = tempfile.mkdtemp(prefix="mailveil-spool-")
            os.chmod(short, 0o755)
            os.symlink(short, spool)

    def release_short_spool(self):
        """Removes a queue kept outside ROOT (see _make_spool); call once stopped."""
        if os.path.islink(os.path.join(self.root, "spool")):
            shutil.rmtree(self.spool, ignore_errors=True)

    def _remove_spool(self):
        spool = os.path.join(self.root, "spool")
        if os.path.islink(spool):
            shutil.rmtree(os.path.realpath(spool), ignore_errors=True)
            os.unlink(spool)
        else:
            shutil.rmtree(spool, ignore_errors=True)

    def _write_main_cf(self, owner, addresses):
        # virtual(8) refuses regexp substitution, so every mailbox is listed;
        # the trailing slash makes it a Maildir.
        mailboxes = ", ".join("%s=%s/" % (address, address.split("@")[0]) for address in addresses)
        milters = ("" if not self.milter_port else self.milter_port
                   if isinstance(self.milter_port, str) else "inet:127.0.0.1:%d" % self.milter_port)
        settings = {
            "compatibility_level": "3.6",
            "queue_directory": self.spool,
            "data_directory": os.path.join(self.root, "data"),
            "maillog_file": self.maillog,
            "maillog_file_prefixes": self.root,
            "myhostname": "mx.mailveil.test",
            "mydomain": "mailveil.test",
            "inet_interfaces": "127.0.0.1",
            "inet_protocols": "ipv4",
            "mynetworks": "127.0.0.0/8",
            "mydestination": "",
            "relayhost": "",
            "alias_maps": "",
            "alias_database": "",
            "smtpd_relay_restrictions": "permit_mynetworks, reject",
            # nothing leaves the machine, not even a bounce to the sender
            "default_transport": "error:no mail leaves this test instance",
            "smtputf8_enable": "yes",
            "biff": "no",
            "virtual_mailbox_domains": DOMAIN,
            "virtual_mailbox_base": self.mail_base,
            "virtual_mailbox_maps": "inline:{ %s }" % mailboxes if mailboxes else "",
            "virtual_uid_maps": "static:%d" % owner.pw_uid,
            "virtual_gid_maps": "static:%d" % owner.pw_gid,
            "smtpd_milters": milters,
            "non_smtpd_milters": milters,
            "milter_default_action": "tempfail",
            "milter_protocol": "6",
        }
        settings.update(self.main_cf)
        with open(os.path.join(self.etc, "main.cf"), "w") as out:
            out.write("# written by tests/integration/postfix.py\n")
            for name, value in settings.items():
                out.write("%s = %s\n" % (name, value))

    def _write_master_cf(self):
        """The stock master.cf, smtpd moved to the loopback port, nothing chrooted.

        The extra master_cf lines are appended; an entry among them (a service
        line and its "  -o" continuation lines) for a service the stock file
        has (same name and type, e.g. pickup unix) replaces the stock entry.
        """
        extra = _entries(self.master_cf)
        stock = _entries(Path(STOCK_MASTER_CF).read_text().splitlines())
        replaced = {key for key, _ in extra if key} & {key for key, _ in stock if key}
        lines = []
        for key, entry in stock:
            if key in replaced:
                entry = next(e for k, e in extra if k == key)
            elif key and key == ("smtp", "inet"):
                entry = ["%d inet n - n - - smtpd" % self.smtp_port]
            lines += entry
        lines += [line for key, entry in extra if key not in replaced for line in entry]
        lines = [_without_chroot(line) for line in lines]
        with open(os.path.join(self.etc, "master.cf"), "w") as out:
            out.write("\n".join(lines) + "\n")

    # -- running --------------------------------------------------------

    def postfix(self, *args, check=True):
        return self._run(["postfix", "-c", self.etc] + list(args), check)

    def _run(self, command, check=True, input=None):
        result = subprocess.run(command, capture_output=True, input=input, timeout=60)
        if check and result.returncode != 0:
            raise AssertionError("%s failed (exit %d):\n%s%s\n--- maillog ---\n%s" % (
                " ".join(command), result.returncode, result.stdout.decode(errors="replace"),
                result.stderr.decode(errors="replace"), self.maillog_tail()))
        return result

    def start(self, timeout=30):
        self.postfix("start")
        if not wait_until(lambda: port_accepts(self.smtp_port), timeout):
            raise AssertionError("Postfix smtpd does not accept on 127.0.0.1:%d\n--- maillog ---\n%s"
                                 % (self.smtp_port, self.maillog_tail()))

    def is_running(self):
        if not os.path.exists(os.path.join(self.spool, "pid", "master.pid")):
            return False
        return self.postfix("status", check=False).returncode == 0

    def stop(self, timeout=30):
        """Stops the master and waits until it is gone (no-op when not running)."""
        if not self.is_running():
            return
        self.postfix("stop", check=False)
        wait_until(lambda: not self.is_running(), timeout)

    # -- mail -----------------------------------------------------------

    def sendmail(self, data, sender, recipients):
        """Submits through Postfix's sendmail command (postdrop -> pickup -> cleanup)."""
        self._run([SENDMAIL, "-C", self.etc, "-i", "-f", sender, "--"] + list(recipients),
                  input=data)

    def queue_listing(self):
        """The output of ``postqueue -p`` (held, deferred, active and maildrop mail)."""
        return self._run(["postqueue", "-c", self.etc, "-p"]).stdout.decode(errors="replace")

    def queued_ids(self):
        """Queue ids listed by postqueue -p (the '*' and '!' status marks dropped)."""
        return re.findall(r"^([0-9A-F]{6,})[*!]?\s", self.queue_listing(), re.M)

    def flush(self):
        """``postqueue -f``: retries deferred mail and wakes the pickup daemon."""
        self._run(["postqueue", "-c", self.etc, "-f"])

    def maillog_text(self):
        if not os.path.exists(self.maillog):
            return ""
        return Path(self.maillog).read_text(errors="replace")

    def maildir(self, address):
        return os.path.join(self.mail_base, address.split("@")[0])

    def delivered_files(self, address):
        """Paths of the messages in a recipient's Maildir (new/ and cur/), oldest first."""
        paths = []
        for sub in ("new", "cur"):
            folder = os.path.join(self.maildir(address), sub)
            if os.path.isdir(folder):
                paths += [os.path.join(folder, name) for name in os.listdir(folder)]
        return sorted(paths, key=lambda path: (os.path.getmtime(path), os.path.basename(path)))

    def maillog_tail(self, lines=40):
        if not os.path.exists(self.maillog):
            return "(no maillog at %s)" % self.maillog
        return "\n".join(Path(self.maillog).read_text(errors="replace").splitlines()[-lines:])
