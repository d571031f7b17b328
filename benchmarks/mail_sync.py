#!/usr/bin/env python
"""Sync 10,000 messages from a local throwaway Dovecot (``make bench-mail``).

Needs Dovecot (Debian's dovecot-imapd) and root, like the tests. Prints one JSON line:
{"bench": "mail_sync", "messages", "seconds", "messages_per_second", "max_rss_mb"}; with
``--tracemalloc`` also the peak of Python allocations (slower: tracing costs time).
``--foreign=P`` sends P percent of the messages from addresses no contact has (a
newsletter, a colleague): the sync reads their headers only and stores none of them
("messages" counts those stored, "seen" all that were looked at). ``--no-link`` syncs an
account with linking off (nothing is fetched or stored: the time of reading the marks).
"""

import resource
import sys
import time
import tracemalloc

from common import ROOT, emit, setup_django

TRACE = "--tracemalloc" in sys.argv
FOREIGN = next((int(a.split("=")[1]) for a in sys.argv if a.startswith("--foreign=")), 0)
NO_LINK = "--no-link" in sys.argv
_args = [a for a in sys.argv[1:] if not a.startswith("--")]
COUNT = int(_args[0]) if _args else 10_000


def build_messages(count):
    from email.message import EmailMessage

    for i in range(count):
        msg = EmailMessage()
        foreign = i % 100 < FOREIGN
        msg["From"] = f"Kunde {i % 300} <{'ukjent' if foreign else 'kunde'}{i % 300}@example.no>"
        msg["To"] = "ola@firma.no"
        msg["Subject"] = f"Melding nummer {i} – ærlig talt"
        msg["Date"] = "Tue, 24 Nov 2026 10:00:00 +0100"
        msg["Message-ID"] = f"<bench-{time.time_ns()}-{i}@example.no>"
        msg.set_content("Hei,\n\n" + "Dette er en linje i brevet.\n" * 30)
        msg.add_alternative("<p>Hei,</p>" + "<p>Dette er en linje i brevet.</p>" * 30, "html")
        yield msg.as_bytes()


def main():
    sys.path.insert(0, str(ROOT))
    setup_django("mailbench")
    from contacts.models import Contact, ContactEmail
    from crm.users import crm_user_save
    from mailbox.models import MailFolderState
    from mailbox.services.accounts import mail_account_save
    from mailbox.services.sync import account_sync
    from tests.mailbox.dovecot import Dovecot

    user, _ = crm_user_save(username="mailbench", password=None, admin=False)
    for i in range(300):
        contact, _ = Contact.objects.get_or_create(first_name="Kunde", last_name=f"Benk{i}")
        ContactEmail.objects.get_or_create(contact=contact, email=f"kunde{i}@example.no")
    with Dovecot() as server:
        name = f"bench{time.time_ns()}"
        server.add_user(name, "pw")
        with server.mailbox(name) as box:
            for raw in build_messages(COUNT):
                box.client.append("INBOX", None, None, raw)
        account = mail_account_save(
            user=user,
            email=f"{name}@firma.no",
            host=server.host,
            port=server.port,
            security="none",
            username=name,
            password="pw",
            folders="INBOX",
            link_to_crm=not NO_LINK,
        )
        if TRACE:
            tracemalloc.start()
        started = time.perf_counter()
        report = account_sync(account=account)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if TRACE else None
        tracemalloc.stop()
    emit(
        {
            "bench": "mail_sync",
            "messages": report.new,
            "seen": report.seen,
            "foreign_percent": FOREIGN,
            "skipped": report.skipped,
            "seconds": round(seconds, 1),
            "messages_per_second": round(report.seen / seconds, 1),
            "folder_mark": MailFolderState.objects.get(account=account).last_uid,
            "peak_python_memory_mb": round(peak / 1024 / 1024, 1) if peak else None,
            "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    )


if __name__ == "__main__":
    main()
