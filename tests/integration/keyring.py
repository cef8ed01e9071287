"""Throw-away GnuPG homes for the integration tests and the demo.

A ``GnupgHome`` wraps one ``--homedir`` folder and runs gpg in batch mode with
an empty passphrase, so nothing ever prompts. The tests use them in two roles:

* the *milter keyring*: public keys only, what mailveil encrypts to;
* a *recipient keyring*: one person's secret key, what their mail client
  decrypts with. Decrypting with it proves the message was encrypted to them.

Keys are ed25519/cv25519 (``future-default``), generated in well under a second.
"""

import os
import re
import subprocess

GPG = "gpg"


class GpgError(AssertionError):
    """gpg failed; the message carries its stderr."""


class GnupgHome:
    """One GnuPG home directory, created empty (mode 0700) if missing."""

    def __init__(self, path):
        self.path = os.fspath(path)
        os.makedirs(self.path, mode=0o700, exist_ok=True)
        os.chmod(self.path, 0o700)

    def run(self, *args, input=None, check=True):
        """Runs gpg on this home; returns the CompletedProcess (bytes)."""
        command = [GPG, "--homedir", self.path, "--batch", "--no-tty",
                   "--pinentry-mode", "loopback", "--passphrase", ""] + list(args)
        result = subprocess.run(command, input=input, capture_output=True, timeout=60)
        if check and result.returncode != 0:
            raise GpgError("%s failed (exit %d):\n%s" % (
                " ".join(command), result.returncode,
                result.stderr.decode("utf-8", "replace")))
        return result

    def generate_key(self, user_id):
        """Generates a sign+encrypt key pair for user_id; returns its fingerprint."""
        self.run("--quick-gen-key", user_id, "future-default", "default", "never")
        email = re.search(r"<([^>]+)>", user_id).group(1)
        return self.fingerprint(email)

    def fingerprint(self, email):
        """The primary key fingerprint of the (only) key for email."""
        listing = self.run("--with-colons", "--list-keys", "<%s>" % email).stdout.decode()
        fingerprints = [line.split(":")[9] for line in listing.splitlines()
                        if line.startswith("fpr:")]
        return fingerprints[0]

    def encryption_subkey_ids(self, fingerprint):
        """The long key ids of the encryption-capable subkeys of a key."""
        listing = self.run("--with-colons", "--list-keys", fingerprint).stdout.decode()
        return [fields[4] for fields in (line.split(":") for line in listing.splitlines())
                if fields[0] == "sub" and "e" in fields[11]]

    def export_public(self, fingerprint):
        return self.run("--export", fingerprint).stdout

    def export_secret(self, fingerprint):
        return self.run("--export-secret-keys", fingerprint).stdout

    def import_keys(self, key_data):
        self.run("--import", input=key_data)

    def decrypt(self, ciphertext):
        """Decrypts; returns (plaintext bytes, gpg status lines)."""
        result = self.run("--status-fd", "2", "--decrypt", input=ciphertext, check=False)
        status = result.stderr.decode("utf-8", "replace")
        if result.returncode != 0:
            raise GpgError("gpg --decrypt in %s failed (exit %d):\n%s" % (
                self.path, result.returncode, status))
        return result.stdout, status

    def recipient_key_ids(self, ciphertext):
        """The key ids a message is encrypted to, from its public-key packets.

        Needs no secret key: ``gpg --list-packets`` prints ":pubkey enc packet:
        ... keyid XXXXXXXX" for every recipient whether or not it can decrypt.
        """
        result = self.run("--list-packets", "--list-only", input=ciphertext, check=False)
        text = result.stdout.decode("utf-8", "replace") + result.stderr.decode("utf-8", "replace")
        return sorted(set(re.findall(r":pubkey enc packet:.*?keyid ([0-9A-F]{16})", text)))

    def stop_agent(self):
        """Stops the gpg-agent (and any other daemon) gpg started for this home."""
        subprocess.run(["gpgconf", "--homedir", self.path, "--kill", "all"],
                       capture_output=True, timeout=30)


class Person:
    """A mail user: address, display name and, if keyed, a key and a private keyring."""

    def __init__(self, name, address, fingerprint=None, home=None):
        self.name = name
        self.address = address
        self.fingerprint = fingerprint
        self.home = home  # GnupgHome with this person's secret key, or None

    @property
    def has_key(self):
        return self.fingerprint is not None


def make_people(root, keyed, unkeyed):
    """Creates the keyrings for a cast of people under root.

    keyed and unkeyed are lists of (display name, address). Every keyed
    person's key pair is generated in a private home (their "mail client");
    the public keys are exported into ``root/milter`` for mailveil.
    Returns (milter GnupgHome, {address: Person}).
    """
    milter_home = GnupgHome(os.path.join(root, "milter"))
    people = {}
    for name, address in keyed:
        home = GnupgHome(os.path.join(root, address.split("@")[0]))
        fingerprint = home.generate_key("%s <%s>" % (name, address))
        milter_home.import_keys(home.export_public(fingerprint))
        people[address] = Person(name, address, fingerprint, home)
    for name, address in unkeyed:
        people[address] = Person(name, address)
    return milter_home, people
