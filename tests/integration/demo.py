"""The second half of scripts/demo: mailveil behind a real Postfix, shown step by step.

    python3 tests/integration/demo.py --mailveil BUILD/mailveil --root DIR
    python3 tests/integration/demo.py --root DIR --cleanup   # stop what a run left

Uses the integration-test harness (mta.py): a private Postfix on 127.0.0.1
with mailveil as its milter, a keyring where Alice has a key and Carol has
none. Sends an HTML and a plain message to each of them, shows what was
delivered, what Alice reads after decryption (gpg, and notmuch as a mail
client), and mailveil's log; then stops everything it started.
"""

import argparse
import os
import signal
import sys

import messages
import notmuch_reader
from mta import MailStack

HERE = os.path.dirname(os.path.abspath(__file__))
ALICE, CAROL = "alice@example.org", "carol@example.org"
MESSAGES = (("demo_html.eml", "HTML"), ("demo_plain.eml", "plain"))
SHOWN_HEADERS = ("from", "to", "subject", "mime-version", "content-type")
BODY_LINES = 16


def section(title):
    print("\n=== %s %s" % (title, "=" * max(3, 66 - len(title))), flush=True)


def indent(text, prefix="    "):
    return "\n".join(prefix + line for line in text.splitlines())


def message_for(name, recipient):
    with open(os.path.join(HERE, "data", name), "rb") as source:
        return source.read().replace(b"@TO@", recipient.encode())


def show_keys(stack):
    section("1. Keys")
    for address, person in sorted(stack.people.items()):
        key = person.fingerprint if person.has_key else "(no key)"
        print("    %-20s %s" % (address, key))
    print("    mailveil's keyring (public keys only): %s" % stack.milter_home.path)


def show_setup(stack):
    section("2. Postfix and mailveil on loopback")
    print("    Postfix smtpd   127.0.0.1:%d   (config %s)" % (stack.smtp_port, stack.postfix.etc))
    print("    mailveil        %s   (smtpd_milters and non_smtpd_milters)"
          % stack.daemon.socket_spec)
    print("    Maildirs        %s/<name>/" % stack.postfix.mail_base)


def send_all(stack):
    section("3. Sending with swaks")
    for recipient in (ALICE, CAROL):
        for name, kind in MESSAGES:
            queue_id = stack.send_accepted(message_for(name, recipient), [recipient])
            print("    %-5s message to %-18s -> Postfix queue id %s" % (kind, recipient, queue_id))
    return {address: stack.wait_for_delivery(address, count=len(MESSAGES))
            for address in (ALICE, CAROL)}


def show_delivered(delivered):
    section("4. What arrived in the Maildirs")
    for address, raws in delivered.items():
        for raw in raws:
            print("\n  %s, %s:" % (address, messages.content_type(raw)))
            for name, text in messages.header_fields(raw):
                if name in SHOWN_HEADERS:
                    print(indent(messages.to_lf(text).decode("utf-8", "replace")))
            print("    " + "-" * 20)
            body_lines = messages.to_lf(messages.body(raw)).decode("utf-8", "replace")
            print(indent("\n".join(body_lines.splitlines()[:BODY_LINES])))
            if len(body_lines.splitlines()) > BODY_LINES:
                print("    [...]")


def show_what_alice_reads(stack, delivered):
    section("5. What Alice reads (gpg --decrypt of the encrypted part)")
    alice = stack.people[ALICE]
    for raw in delivered[ALICE]:
        if messages.content_type(raw) != "multipart/encrypted":
            print("    (not encrypted: %s)" % messages.content_type(raw))
            continue
        plaintext, _ = alice.home.decrypt(messages.encrypted_payload(raw))
        print(indent(messages.to_lf(plaintext).decode("utf-8", "replace").rstrip()))
        print("    " + "-" * 20)

    section("6. The same in a mail client (notmuch show --decrypt=true)")
    reader = notmuch_reader.NotmuchReader(stack.postfix.maildir(ALICE), alice.home.path,
                                          os.path.join(stack.root, "notmuch-alice.conf"), ALICE)
    reader.index()
    shown = reader.run("show", "--decrypt=true", "--format=text", "*").decode("utf-8", "replace")
    print(indent(shown.replace("\f", "")))  # notmuch marks each part with a form feed


def show_log(stack):
    section("7. mailveil's log (one line per message, never content)")
    print(indent(stack.daemon.log_text().rstrip()))


def run(mailveil, root):
    stack = MailStack(root, mailveil, keyed=[("Alice", ALICE)], unkeyed=[("Carol", CAROL)])
    try:
        stack.start()
        show_keys(stack)
        show_setup(stack)
        delivered = send_all(stack)
        show_delivered(delivered)
        show_what_alice_reads(stack, delivered)
        show_log(stack)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C must not cut this short
        section("8. Stopping mailveil, Postfix and gpg-agent")
        stack.stop()
        print("    stopped; files kept in %s" % stack.root)


def cleanup(root):
    """Stops a Postfix and mailveil that an interrupted run left under root."""
    stack = MailStack(root, mailveil_binary=None, keyed=[], unkeyed=[])
    stack.stop_leftovers()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mailveil", help="the mailveil daemon binary")
    parser.add_argument("--root", required=True, help="work folder (wiped first)")
    parser.add_argument("--cleanup", action="store_true", help="only stop leftovers")
    args = parser.parse_args()
    # SIGTERM/SIGHUP end the run like Ctrl-C does: through the finally above
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.default_int_handler)
    if args.cleanup:
        cleanup(args.root)
    elif not args.mailveil:
        parser.error("--mailveil is required")
    else:
        try:
            run(args.mailveil, args.root)
        except KeyboardInterrupt:
            print("\ninterrupted; everything started has been stopped", file=sys.stderr)
            return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
