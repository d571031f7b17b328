"""Collecting the mail a sync passed over, once a contact has its address (K9).

A sync stores only messages that carry an address of a contact's, and moves each folder's
high-water mark past the rest (:mod:`.sync`). When a contact gets an address later (a new
card, an address typed in, the API), the stored messages are linked at once
(``linking.contact_link_past_mail``), and the worker then looks in every linking
account's folders, below their marks, for the messages that were passed over
(:func:`addresses_backfill`): an IMAP SEARCH for the new addresses (``SEARCH_MAX`` at a
time), then the sync's own choice by headers (any contact's address, dedupe) and storing,
without moving the marks. An import, which writes many addresses at once, links the
stored mail in batches and has every folder's headers read again
(:func:`imported_backfill`).
"""

from __future__ import annotations

from django.db import transaction
from imap_tools import AND, OR, U

from contacts.models import ContactEmail
from files.services import stored_bytes_removed_on_error

from ..imap import fetch_messages, fetch_sizes_of
from ..models import MailAccount, MailFolderState, Message
from ..parsing import parse_message
from .linking import messages_link
from .storing import copies_store, messages_store
from .sync import BATCH, SyncReport, chunk_select, locked_session, message_skip, size_chunks

# Addresses asked for in one IMAP SEARCH (three keys each: From, To, Cc).
SEARCH_MAX = 20
# From this many new addresses on (an import), every folder's headers are read again
# instead of searched for each address.
SEARCH_ALL_MAX = 200
# Addresses whose stored mail is linked in one transaction.
LINK_BATCH = 1000


def backfill_enqueue(*, contact) -> None:
    """After a contact's addresses changed (the contacts hook): the back-fill of them,
    queued for the worker once the change commits, when any account links to the CRM."""
    from ..tasks import backfill_mail

    addresses = list(ContactEmail.objects.filter(contact=contact).values_list("email", flat=True))
    if addresses and MailAccount.objects.filter(link_to_crm=True).exists():
        transaction.on_commit(lambda: backfill_mail.enqueue(addresses))


def imported_backfill(addresses: list[str]) -> None:
    """After an import wrote ``addresses`` onto contacts (the contacts hook): the stored
    mail carrying them is linked at once, and the worker collects what the syncs passed
    over. Past ``SEARCH_ALL_MAX`` addresses one search each would cost more than
    reading every folder's headers once, so the back-fill does that instead."""
    from ..tasks import backfill_mail

    lowered = sorted({a.strip().lower() for a in addresses if a.strip()})
    for start in range(0, len(lowered), LINK_BATCH):
        some = lowered[start : start + LINK_BATCH]
        with transaction.atomic():
            messages_link(messages=Message.objects.filter(address_rows__address__in=some))
    if not lowered or not MailAccount.objects.filter(link_to_crm=True).exists():
        return
    if len(lowered) > SEARCH_ALL_MAX:
        transaction.on_commit(lambda: backfill_mail.enqueue([], rescan=True))
    else:
        transaction.on_commit(lambda: backfill_mail.enqueue(lowered))


def addresses_backfill(
    *, addresses: list[str], account_ids: list[int] | None = None, rescan: bool = False
) -> list[SyncReport]:
    """Collect the passed-over mail carrying ``addresses`` (with ``rescan``: any contact's
    address) from every linking account, or those of ``account_ids``."""
    addresses = sorted({a.strip().lower() for a in addresses if a and a.strip()})
    if not addresses and not rescan:
        return []
    accounts = MailAccount.objects.filter(link_to_crm=True).order_by("pk")
    if account_ids is not None:
        accounts = accounts.filter(pk__in=account_ids)
    return [
        account_backfill(account=account, addresses=None if rescan else addresses)
        for account in accounts
    ]


def account_backfill(*, account: MailAccount, addresses: list[str] | None) -> SyncReport:
    """One account: each folder synced so far, below its mark; the messages carrying
    ``addresses``, or (None) every message's headers read again. Under the account's sync
    lock, so a sync and a back-fill never store the same message at once; a busy account
    reports «busy», one that fails its ``failure``, and the caller (``tasks.backfill_mail``)
    tries again later."""
    report = SyncReport(account_id=account.pk)
    with locked_session(account, report, what="back-fill") as box:
        # The folders the account syncs now, where a sync has passed over something.
        states = MailFolderState.objects.filter(
            account=account, name__in=account.folder_list(), last_uid__gt=0
        )
        for state in states if box else ():
            _folder_backfill(box, account=account, state=state, addresses=addresses, report=report)
    return report


def _folder_backfill(box, *, account, state, addresses, report) -> None:
    if not box.folder.exists(state.name):
        return
    status = box.folder.status(state.name, ["UIDVALIDITY"])
    if status["UIDVALIDITY"] != state.uidvalidity:
        return  # the folder's UIDs name other messages now: the next sync reads it anew
    box.folder.set(state.name, readonly=True)
    uids: set[int] = set()
    if addresses is None:
        uids.update(int(uid) for uid in box.uids(AND(uid=U(1, state.last_uid))))
        addresses = []
    for start in range(0, len(addresses), SEARCH_MAX):
        some = addresses[start : start + SEARCH_MAX]
        criteria = AND(OR(from_=some, to=some, cc=some), uid=U(1, state.last_uid))
        charset = "US-ASCII" if all(a.isascii() for a in some) else "UTF-8"
        uids.update(int(uid) for uid in box.uids(criteria, charset=charset))
    found = sorted(uid for uid in uids if uid <= state.last_uid)
    for start in range(0, len(found), BATCH):
        chunk = found[start : start + BATCH]
        wanted, known = chunk_select(box, chunk, account=account, folder=state.name, report=report)
        if known:
            with transaction.atomic():
                copies_store(account=account, folder=state.name, uids=known)
        # Fetched in full in chunks of bounded size, as a sync does.
        for part in size_chunks(fetch_sizes_of(box, wanted)):
            messages = []
            for uid, raw in fetch_messages(box, part):
                try:
                    messages.append((parse_message(raw), uid))
                except Exception as error:
                    message_skip(report, account=account, folder=state.name, uid=uid, error=error)
            with stored_bytes_removed_on_error(), transaction.atomic():
                results = messages_store(messages=messages, account=account, folder=state.name)
            report.new += sum(result.created for result in results)
