"""Reading new messages from an account's IMAP folders: incremental by UID, in chunks of
bounded size, each stored in one transaction with the folder's high-water mark.

Only what is linked is collected. An account that does not link to the CRM stores
nothing: its folders' high-water marks move to the newest UID without a message being
fetched. A linking account fetches each chunk's From/To/Cc/Message-ID headers first,
looks the addresses up in one query, and fetches in full only the messages carrying an
address of a contact's; those stored already (from a colleague's mailbox) just get this
account's copy. The rest are passed over: the mark moves past them, and the sync does
not fetch them again (a contact given their address later gets them from the back-fill,
:mod:`.backfill`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from files.services import stored_bytes_removed_on_error

from ..imap import fetch_headers, fetch_messages, fetch_sizes, imap_connect
from ..models import MailAccount, MailFolderState, MessageCopy
from ..parsing import DECIDING_HEADERS, ParsedMessage, parse_headers, parse_message
from .linking import contact_addresses
from .locks import account_sync_lock
from .storing import copies_store, messages_store, stored_dedupe_keys

logger = logging.getLogger("mailbox")
# Seconds a sync waits for each answer of the server before it gives the account up for
# this run; more than «Lagre og test» waits (accounts.TEST_TIMEOUT): an answer here may
# carry a whole chunk of messages.
SYNC_TIMEOUT = 30
# A chunk is fetched with one IMAP command and stored in one transaction: this many
# messages, or fewer when they are large, so that memory stays bounded.
BATCH = 200
BATCH_BYTES = 32 * 1024 * 1024
# How much of a failed sync's error the account keeps to show its owner.
LAST_ERROR_LENGTH = 2000


@dataclass
class SyncReport:
    account_id: int
    new: int = 0
    seen: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    failure: str = ""  # what ended the run, if anything did

    @property
    def busy(self) -> bool:
        """Another run held the account's lock: nothing was done."""
        return "busy" in self.errors


@contextlib.contextmanager
def locked_session(account: MailAccount, report: SyncReport, *, what: str):
    """The account's IMAP session under its sync lock, so that no two runs (a sync, a
    back-fill) store from one account at once: yields the mailbox, or None when another
    run holds the lock (``report.busy``) or the server cannot be reached. An error ends the
    run: logged, and noted in the report (``failure``)."""
    with account_sync_lock(account.pk) as ours:
        if not ours:
            report.errors.append("busy")
            yield None
            return
        connected = False
        try:
            with imap_connect(account, timeout=SYNC_TIMEOUT) as box:
                connected = True
                yield box
        except Exception as error:
            logger.warning("Mail %s of account %s failed: %s", what, account.pk, error)
            report.errors.append(str(error))
            report.failure = str(error)
            if not connected:
                yield None


def account_sync(*, account: MailAccount, progress=None) -> SyncReport:
    """Read new messages from every folder of ``account`` (incremental by UID; a changed
    UIDVALIDITY starts the folder over, which dedupe makes harmless)."""
    report = SyncReport(account_id=account.pk)
    with locked_session(account, report, what="sync") as box:
        if report.busy:
            return report
        for folder in account.folder_list() if box else ():
            _folder_sync(box, account=account, folder=folder, report=report, progress=progress)
    account.last_error = report.failure[:LAST_ERROR_LENGTH]
    account.last_synced_at = timezone.now()
    MailAccount.objects.filter(pk=account.pk).update(
        last_synced_at=account.last_synced_at, last_error=account.last_error
    )
    return report


def _folder_sync(box, *, account: MailAccount, folder: str, report: SyncReport, progress):
    if not box.folder.exists(folder):
        report.errors.append(f"{folder}: missing")
        return
    status = box.folder.status(folder, ["UIDVALIDITY", "UIDNEXT", "MESSAGES"])
    box.folder.set(folder, readonly=True)
    state, _created = MailFolderState.objects.get_or_create(account=account, name=folder)
    if state.uidvalidity != status["UIDVALIDITY"]:
        # The folder's UIDs now name other messages: note its copies afresh.
        with transaction.atomic():
            MessageCopy.objects.filter(account=account, folder=folder).delete()
            state.uidvalidity, state.last_uid = status["UIDVALIDITY"], 0
            state.save()
    if status["UIDNEXT"] and status["UIDNEXT"] <= state.last_uid + 1:
        return
    if not account.link_to_crm and status["UIDNEXT"]:
        # Nothing is collected: every UID below UIDNEXT is passed over unread.
        MailFolderState.objects.filter(pk=state.pk).update(last_uid=status["UIDNEXT"] - 1)
        state.last_uid = status["UIDNEXT"] - 1
        return
    pending = fetch_sizes(box, state.last_uid)
    done = 0
    if progress:
        progress(folder=folder, total=len(pending), done=0)
    for uids in size_chunks(pending):
        wanted, known = (
            chunk_select(box, uids, account=account, folder=folder, report=report)
            if account.link_to_crm
            else ([], {})
        )
        # Parse first: a malformed message is skipped before it can spoil the chunk.
        messages = []
        for uid, raw in fetch_messages(box, wanted) if wanted else ():
            try:
                messages.append((parse_message(raw), uid))
            except Exception as error:
                message_skip(report, account=account, folder=folder, uid=uid, error=error)
        _chunk_store(
            account=account,
            state=state,
            messages=messages,
            known=known,
            last_uid=uids[-1],
            report=report,
        )
        done += len(uids)
        if progress:
            progress(folder=folder, total=len(pending), done=done)


def chunk_select(
    box, uids: list[int], *, account: MailAccount, folder: str, report: SyncReport
) -> tuple[list[int], dict[str, int]]:
    """Of a chunk's messages, by their headers alone: the UIDs to fetch in full (an
    address of a contact's, not stored yet) and those stored already (dedupe key → UID,
    whatever their addresses: the account notes its copy). Two queries a chunk."""
    headers = {}
    for uid, raw in fetch_headers(box, uids, DECIDING_HEADERS):
        report.seen += 1
        try:
            headers[uid] = parse_headers(raw)
        except Exception as error:
            message_skip(report, account=account, folder=folder, uid=uid, error=error)
    stored = stored_dedupe_keys(keys={h.dedupe_key for h in headers.values() if h.dedupe_key})
    ours = contact_addresses(addresses={a for h in headers.values() for a in h.addresses})
    wanted: list[int] = []
    known: dict[str, int] = {}
    for uid, found in headers.items():
        if found.dedupe_key in stored:
            known.setdefault(found.dedupe_key, uid)
        elif found.addresses & ours:
            wanted.append(uid)
    return wanted, known


def size_chunks(pending: list[tuple[int, int]]) -> Iterator[list[int]]:
    """(UID, size) pairs cut into chunks of at most ``BATCH`` messages and ``BATCH_BYTES``
    (one alone may be larger)."""
    chunk: list[int] = []
    size = 0
    for uid, message_size in pending:
        if chunk and (len(chunk) == BATCH or size + message_size > BATCH_BYTES):
            yield chunk
            chunk, size = [], 0
        chunk.append(uid)
        size += message_size
    if chunk:
        yield chunk


def _chunk_store(
    *,
    account: MailAccount,
    state: MailFolderState,
    messages: list[tuple[ParsedMessage, int]],
    known: dict[str, int],
    last_uid: int,
    report: SyncReport,
) -> None:
    """Store a chunk and move the folder's high-water mark past it in one transaction, so
    a run stopped half-way reads the chunk again (dedupe makes that harmless). Should the
    database refuse the chunk, its messages go one by one and only those refused are
    skipped."""
    try:
        with stored_bytes_removed_on_error(), transaction.atomic():
            results = messages_store(messages=messages, account=account, folder=state.name)
            if known:
                copies_store(account=account, folder=state.name, uids=known)
            MailFolderState.objects.filter(pk=state.pk).update(last_uid=last_uid)
    except (OperationalError, InterfaceError):
        raise  # the database is gone, not the chunk at fault
    except Exception as error:
        logger.warning(
            "Storing %s messages of %s of account %s together failed (%s); one by one now.",
            len(messages),
            state.name,
            account.pk,
            error,
        )
        results = []
        for parsed, uid in messages:
            try:
                with stored_bytes_removed_on_error():
                    results += messages_store(
                        messages=[(parsed, uid)], account=account, folder=state.name
                    )
            except (OperationalError, InterfaceError):
                raise
            except Exception as error:
                message_skip(report, account=account, folder=state.name, uid=uid, error=error)
        if known:
            copies_store(account=account, folder=state.name, uids=known)
        MailFolderState.objects.filter(pk=state.pk).update(last_uid=last_uid)
    state.last_uid = last_uid
    report.new += sum(result.created for result in results)


def message_skip(
    report: SyncReport, *, account: MailAccount, folder: str, uid: int, error
) -> None:
    report.skipped += 1
    logger.warning(
        "Skipped message UID %s in %s of account %s: %s", uid, folder, account.pk, error
    )
