"""The keys mailveil-keys is tested with, made with real gpg at test time.

Every key is generated in its own throw-away "sender" home (keyring.GnupgHome,
ed25519/cv25519, well under a second each) and handed out as exported bytes:

* ``alice``   alice@example.org, usable, never expires;
* ``erin``    erin@example.org, created in 2020 (gpg --faked-system-time)
              with one day of validity: expired;
* ``rob``     rob@example.org, revoked with the revocation certificate gpg
              wrote when it made the key;
* ``dave1``, ``dave2``  two usable keys for dave@example.org (ambiguous);
* ``alice_secret``  alice's secret key export.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from keyring import GnupgHome  # noqa: E402


class Key:
    """One key: its fingerprint and its public (and maybe secret) export."""

    def __init__(self, fingerprint, public, secret=None):
        self.fingerprint = fingerprint
        self.public = public
        self.secret = secret


def _make(root, name, user_id, expire="never", faked_time=None):
    home = GnupgHome(os.path.join(root, name))
    clock = ["--faked-system-time", faked_time] if faked_time else []
    home.run(*clock, "--quick-gen-key", user_id, "future-default", "default", expire)
    email = user_id[user_id.index("<") + 1:-1]
    return home, home.fingerprint(email)


def _revoke(home, fingerprint):
    """Imports the revocation certificate gpg stored when it made the key."""
    path = os.path.join(home.path, "openpgp-revocs.d", fingerprint + ".rev")
    with open(path, encoding="ascii") as stored:
        # gpg prefixes the armor lines with ':' so that nobody imports it by accident.
        certificate = "".join(line[1:] if line.startswith(":-----") else line
                              for line in stored)
    home.import_keys(certificate.encode("ascii"))


def make_cast(root):
    """Generates the keys under root; returns {name: Key}."""
    cast = {}
    homes = []
    home, fpr = _make(root, "alice", "Alice <alice@example.org>")
    homes.append(home)
    cast["alice"] = Key(fpr, home.export_public(fpr), home.export_secret(fpr))
    home, fpr = _make(root, "erin", "Erin <erin@example.org>", expire="1d",
                      faked_time="20200101T000000")
    homes.append(home)
    cast["erin"] = Key(fpr, home.export_public(fpr))
    home, fpr = _make(root, "rob", "Rob <rob@example.org>")
    homes.append(home)
    _revoke(home, fpr)
    cast["rob"] = Key(fpr, home.export_public(fpr))
    for name in ("dave1", "dave2"):
        home, fpr = _make(root, name, "Dave <dave@example.org>")
        homes.append(home)
        cast[name] = Key(fpr, home.export_public(fpr))
    for home in homes:
        home.stop_agent()
    return cast
