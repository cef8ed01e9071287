"""Reads a delivered Maildir with notmuch, a real mail client that decrypts PGP/MIME.

notmuch gets its own config file and database (inside the Maildir, as
notmuch keeps it) and the recipient's GnuPG home in GNUPGHOME; then
``notmuch new`` indexes and ``notmuch show --decrypt=true --format=json``
returns the message tree with the encrypted part replaced by its plaintext.
"""

import json
import os
import subprocess


class NotmuchReader:
    """notmuch over one Maildir, decrypting with one GnuPG home."""

    def __init__(self, maildir, gnupg_home, config_path, user_address):
        self.maildir = maildir
        self.config_path = config_path
        self.environment = dict(os.environ, GNUPGHOME=gnupg_home, NOTMUCH_CONFIG=config_path)
        with open(config_path, "w") as out:
            out.write("[database]\npath=%s\n\n[user]\nprimary_email=%s\n\n"
                      "[new]\ntags=inbox;\n\n[maildir]\nsynchronize_flags=false\n"
                      % (maildir, user_address))

    def run(self, *args):
        result = subprocess.run(["notmuch", "--config=" + self.config_path] + list(args),
                                env=self.environment, capture_output=True, timeout=60)
        if result.returncode != 0:
            raise AssertionError("notmuch %s failed (exit %d):\n%s" % (
                " ".join(args), result.returncode, result.stderr.decode(errors="replace")))
        return result.stdout

    def index(self):
        self.run("new", "--quiet")

    def show(self, query="*"):
        """The decrypted JSON tree of the matching threads."""
        return json.loads(self.run("show", "--decrypt=true", "--format=json",
                                   "--entire-thread=false", query))


def messages(tree):
    """Every message object in a ``notmuch show --format=json`` tree."""
    found = []

    def walk(node):
        if isinstance(node, dict) and "headers" in node and "body" in node:
            found.append(node)
        if isinstance(node, list):
            for item in node:
                walk(item)
    walk(tree)
    return found


def parts(message):
    """Every MIME part of a message object, depth first (decrypted ones included)."""
    found = []

    def walk(part):
        found.append(part)
        content = part.get("content")
        if isinstance(content, list):
            for child in content:
                if isinstance(child, dict):
                    walk(child)
    for part in message["body"]:
        walk(part)
    return found


def text_contents(message):
    """The text of every text/* part notmuch shows for a message."""
    return [part["content"] for part in parts(message)
            if part.get("content-type", "").startswith("text/") and
            isinstance(part.get("content"), str)]
