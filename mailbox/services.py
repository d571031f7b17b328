"""Writes for linked e-mail: accounts, storing synced messages, linking, sending, the lock."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import Contact, ContactEmail
from crm import outbound
from crm.outbound import OutboundError
from files.services import file_store, stored_bytes_removed_on_error

from . import crypto
from .imap import imap_connect, not_reached
from .models import (
    Direction,
    MailAccount,
    MailFolderState,
    Message,
    MessageAddress,
    MessageAttachment,
    MessageContact,
    MessageCopy,
)
from .parsing import ParsedMessage, parse_message, rewrite_cid, sanitise_html

logger = logging.getLogger("mailbox")
# Seconds «Lagre og test» waits for each answer once connected: a worker is held that long.
TEST_TIMEOUT = 10
SYNC_TIMEOUT = 30
HISTORY_VERB = "mailbox.linked"


def _history(**kwargs) -> None:
    from history.services import history_record

    history_record(**kwargs)


def _history_many(records) -> None:
    from history.services import history_record_many

    history_record_many(records=records)


# --- accounts ---------------------------------------------------------------------------


@transaction.atomic
def mail_account_save(
    *,
    user,
    account: MailAccount | None = None,
    email: str,
    host: str,
    port: int,
    security: str,
    username: str,
    password: str = "",
    folders: str,
    link_to_crm: bool,
) -> MailAccount:
    """Create or update a user's account; an empty password keeps the stored one."""
    account = account or MailAccount(user=user)
    account.email, account.host, account.port = email.strip(), host.strip(), port
    account.security, account.username = security, username.strip()
    account.folders = ", ".join(n.strip() for n in folders.split(",") if n.strip())
    account.link_to_crm = link_to_crm
    try:
        outbound.vet(account.host, port)
    except outbound.AddressRefused as error:
        raise ValidationError({"host": str(error)}) from error
    except outbound.HostNotFound:
        pass  # perhaps a passing DNS fault: the test button and the sync will tell
    if password:
        account.password_encrypted = crypto.encrypt(password)
    if not account.password_encrypted:
        raise ValidationError({"password": _("Enter the password of the mail account.")})
    if not account.folders:
        raise ValidationError({"folders": _("Name at least one folder, e.g. INBOX.")})
    account.full_clean()
    account.save()
    if account.link_to_crm:
        messages = Message.objects.filter(copies__account=account).distinct()
        _link_messages(messages)
    return account


@transaction.atomic
def mail_account_delete(*, account: MailAccount) -> None:
    account.delete()


def mail_account_test(*, account: MailAccount) -> tuple[bool, str]:
    """Try to log in and select the folders: (ok, a message a user understands)."""
    from imap_tools.errors import MailboxLoginError

    try:
        with imap_connect(account, timeout=TEST_TIMEOUT) as box:
            missing = [name for name in account.folder_list() if not box.folder.exists(name)]
    except OutboundError as error:
        return False, str(error)
    except MailboxLoginError:
        return False, _("The server refused the user name or password.")
    except Exception:  # after the login: a timeout or a protocol error
        return False, str(not_reached())
    if missing:
        return False, _("Connected, but these folders do not exist: %(folders)s") % {
            "folders": ", ".join(missing)
        }
    return True, _("Connected and logged in. All folders were found.")


# --- storing messages ---------------------------------------------------------------------


@dataclass
class StoreResult:
    message: Message
    created: bool


def _new_message(parsed: ParsedMessage) -> Message:
    inline = any(item.content_id for item in parsed.attachments)
    return Message(
        dedupe_key=parsed.dedupe_key,
        message_id=parsed.message_id,
        subject=parsed.subject,
        from_name=parsed.from_name,
        from_address=parsed.from_address,
        to_addresses=parsed.to,
        cc_addresses=parsed.cc,
        sent_at=parsed.sent_at,
        text_body=parsed.text,
        # Inline images make the HTML wait for their attachments' URLs (cid: rewriting).
        html_body="" if inline else sanitise_html(parsed.html),
        has_attachments=bool(parsed.attachments),
        size=parsed.size,
    )


def _store_attachments(stored: list[tuple[Message, ParsedMessage]]) -> None:
    """Keep the attachments of new messages through the files app, then point the
    messages' inline images (cid: links) at our attachment URLs."""
    rows: list[tuple[MessageAttachment, str]] = []
    for message, parsed in stored:
        for item in parsed.attachments:
            kept = file_store(content=item.content, name=item.filename)
            attachment = MessageAttachment(
                message=message,
                file=kept,
                filename=kept.name,
                content_type=item.content_type[:255],
                content_id=item.content_id[:255],
                size=len(item.content),
            )
            rows.append((attachment, item.content_id))
    MessageAttachment.objects.bulk_create([attachment for attachment, _cid in rows])
    urls: dict[int, dict[str, str]] = {}
    for attachment, content_id in rows:
        if content_id:
            url = reverse("files:download", args=[attachment.file_id])
            urls.setdefault(attachment.message_id, {})[content_id] = url
    rewritten = []
    for message, parsed in stored:
        if message.pk in urls:
            message.html_body = sanitise_html(rewrite_cid(parsed.html, urls[message.pk]))
            rewritten.append(message)
    Message.objects.bulk_update(rewritten, ["html_body"])


def _messages_by_key(keys: list[str]) -> dict[str, Message]:
    # The bodies are not needed to note a copy or to link.
    messages = Message.objects.defer("text_body", "html_body")
    return messages.in_bulk(keys, field_name="dedupe_key")


def _messages_insert(parsed: dict[str, ParsedMessage]) -> tuple[dict[str, Message], list[Message]]:
    """The messages of ``parsed`` (by dedupe key) as stored, inserting the missing ones
    in one statement; also the list of those inserted now."""
    attempts = 3
    while True:
        found = _messages_by_key(list(parsed))
        new = [_new_message(p) for key, p in parsed.items() if key not in found]
        try:
            with transaction.atomic():
                Message.objects.bulk_create(new)
        except IntegrityError:
            # Another account's sync stored one of them a moment ago: look again.
            attempts -= 1
            if not attempts:
                raise
            continue
        found.update((message.dedupe_key, message) for message in new)
        return found, new


@transaction.atomic
def messages_store(
    *, messages: list[tuple[ParsedMessage, int]], account: MailAccount | None, folder: str = ""
) -> list[StoreResult]:
    """Store parsed messages (each with its UID in ``folder``) once each, by Message-ID or
    the fallback hash; note their copies in ``account`` and link them to contacts when
    the account links to the CRM. The number of queries does not grow with the number
    of messages, only with their attachments (the files app stores each)."""
    by_key: dict[str, ParsedMessage] = {}
    uids: dict[str, int] = {}
    for parsed, uid in messages:
        by_key.setdefault(parsed.dedupe_key, parsed)
        uids.setdefault(parsed.dedupe_key, uid)
    stored, new = _messages_insert(by_key)
    _store_attachments(
        [(message, by_key[message.dedupe_key]) for message in new if message.has_attachments]
    )
    MessageAddress.objects.bulk_create(
        [MessageAddress(message=m, address=address) for m in new for address in m.addresses()],
        ignore_conflicts=True,
    )
    if account is not None:
        # ignore_conflicts: a copy already noted keeps its UID (as get_or_create would).
        MessageCopy.objects.bulk_create(
            [
                MessageCopy(message=stored[key], account=account, folder=folder, uid=uid)
                for key, uid in uids.items()
            ],
            ignore_conflicts=True,
        )
        if account.link_to_crm:
            _link_messages(Message.objects.filter(pk__in=[m.pk for m in stored.values()]))
    results = []
    first = {message.dedupe_key for message in new}
    for parsed, _uid in messages:
        key = parsed.dedupe_key
        results.append(StoreResult(message=stored[key], created=key in first))
        first.discard(key)  # the same message twice in a batch is created once
    return results


def message_store(
    *, parsed: ParsedMessage, account: MailAccount | None, folder: str = "", uid: int = 0
) -> StoreResult:
    """Store one parsed message: see :func:`messages_store`."""
    return messages_store(messages=[(parsed, uid)], account=account, folder=folder)[0]


# One linking at a time, until its transaction commits. Linking reads what others write:
# a sync writes a message and then looks for contacts with its addresses, while a contact
# save writes an address and then looks for messages carrying it. Run side by side, each
# would miss the other's uncommitted row and the message would never be linked; two syncs
# of one message into linking mailboxes would both find it unlinked and put it on the
# timeline twice. Held only from linking to commit, after the slow part of a sync.
LINK_LOCK = (7411, 0)


def _link_messages(messages, *, contact_ids=None) -> int:
    """Link ``messages`` (only those seen in a linking account) to contacts by address.
    Call inside the transaction that wrote the messages or the addresses."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", list(LINK_LOCK))
    rows = (
        MessageAddress.objects.filter(
            message__in=messages.filter(copies__account__link_to_crm=True)
        )
        .annotate(lower=Lower("address"))
        .values_list("message_id", "address")
    )
    pairs = list(rows)
    if not pairs:
        return 0
    addresses = {address for _message, address in pairs}
    emails = ContactEmail.objects.annotate(lower=Lower("email")).filter(lower__in=addresses)
    if contact_ids is not None:
        emails = emails.filter(contact_id__in=contact_ids)
    by_address: dict[str, set[int]] = {}
    for contact_id, address in emails.values_list("contact_id", "lower"):
        by_address.setdefault(address, set()).add(contact_id)
    wanted: dict[tuple[int, int], None] = {}
    for message_id, address in pairs:
        for contact_id in by_address.get(address, ()):
            wanted[(message_id, contact_id)] = None
    if not wanted:
        return 0
    existing = set(
        MessageContact.objects.filter(
            message_id__in={m for m, _c in wanted}, contact_id__in={c for _m, c in wanted}
        ).values_list("message_id", "contact_id")
    )
    new = [key for key in wanted if key not in existing]
    if not new:
        return 0
    info = {
        m.pk: m
        for m in Message.objects.filter(pk__in={m for m, _c in new}).only(
            "pk", "from_address", "subject", "sent_at"
        )
    }
    contact_addresses: dict[int, set[str]] = {}
    for contact_id, address in ContactEmail.objects.filter(
        contact_id__in={c for _m, c in new}
    ).values_list("contact_id", Lower("email")):
        contact_addresses.setdefault(contact_id, set()).add(address)
    links = []
    for message_id, contact_id in new:
        message = info[message_id]
        received = message.from_address.lower() in contact_addresses.get(contact_id, set())
        links.append(
            MessageContact(
                message_id=message_id,
                contact_id=contact_id,
                direction=Direction.RECEIVED if received else Direction.SENT,
                sent_at=message.sent_at,
            )
        )
    MessageContact.objects.bulk_create(links, ignore_conflicts=True)
    _history_many(
        {
            "contact": link.contact_id,
            "verb": HISTORY_VERB,
            "actor": None,
            "actor_label": "sync_mail",
            "data": {
                "subject": info[link.message_id].subject or _("(no subject)"),
                "direction": link.direction,
            },
            "target": info[link.message_id],
            "mail": True,
            "occurred_at": info[link.message_id].sent_at,
        }
        for link in links
    )
    return len(links)


@transaction.atomic
def contact_link_past_mail(*, contact: Contact | int) -> int:
    """Link a contact to every stored message carrying one of its addresses (call after
    adding or changing a contact's e-mail address). Returns how many links were made."""
    contact_id = getattr(contact, "pk", contact)
    addresses = [
        a.lower()
        for a in ContactEmail.objects.filter(contact_id=contact_id).values_list("email", flat=True)
    ]
    if not addresses:
        return 0
    messages = Message.objects.filter(address_rows__address__in=addresses).distinct()
    return _link_messages(messages, contact_ids=[contact_id])


def raw_message_store(*, raw: bytes, account: MailAccount | None, folder="", uid=0):
    return message_store(parsed=parse_message(raw), account=account, folder=folder, uid=uid)


# --- sending ------------------------------------------------------------------------------


@transaction.atomic
def mail_send(*, user, contact: Contact, to: str, subject: str, body: str) -> Message:
    """Send a plain-text e-mail to the contact through Django's mailer, store it and link it."""
    to = to.strip().lower()
    if not ContactEmail.objects.filter(contact=contact).filter(Q(email__iexact=to)).exists():
        raise ValidationError({"to": _("Choose one of the contact's e-mail addresses.")})
    if not subject.strip():
        raise ValidationError({"subject": _("Write a subject.")})
    if "\r" in subject or "\n" in subject:
        # A line break would end the Subject header (Django refuses to send it at all).
        raise ValidationError({"subject": _("The subject cannot contain line breaks.")})
    account = MailAccount.objects.filter(user=user).order_by("id").first()
    sender = account.email if account else (user.email or None)
    email = EmailMessage(subject=subject.strip(), body=body, to=[to])
    if sender:
        email.from_email = sender
    from django.core.mail.message import make_msgid

    email.extra_headers["Message-ID"] = make_msgid(domain="crm.local")
    raw = email.message().as_bytes()
    try:
        mailers.default.send_messages([email])
    except (OSError, Exception) as error:
        logger.warning("Sending mail failed: %s", error)
        raise ValidationError(
            _("The e-mail could not be sent: %(error)s") % {"error": error}
        ) from error
    parsed = parse_message(raw)
    result = message_store(parsed=parsed, account=None)
    message = result.message
    MessageContact.objects.get_or_create(
        message=message,
        contact=contact,
        defaults={"direction": Direction.SENT, "sent_at": message.sent_at},
    )
    _history(
        contact=contact,
        verb="mailbox.sent",
        actor=user,
        data={"subject": message.subject},
        target=message,
        mail=True,
    )
    return message


# --- the lock -----------------------------------------------------------------------------


@transaction.atomic
def contact_email_lock(*, contact: Contact, actor, locked: bool = True) -> Contact:
    from crm.access import is_firm_admin

    if not is_firm_admin(actor):
        raise ValidationError(_("Only the firm's administrators can lock e-mail."))
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.email_locked == locked:
        return contact
    Contact.objects.filter(pk=contact.pk).update(email_locked=locked, updated_at=timezone.now())
    contact.email_locked = locked
    _history(
        contact=contact,
        verb="mailbox.locked" if locked else "mailbox.unlocked",
        actor=actor,
        data={},
    )
    return contact


def contact_email_unlock(*, contact: Contact, actor) -> Contact:
    return contact_email_lock(contact=contact, actor=actor, locked=False)


# --- the sync -----------------------------------------------------------------------------


@dataclass
class SyncReport:
    account_id: int
    new: int = 0
    seen: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


# A chunk is fetched with one IMAP command and stored in one transaction: this many
# messages, or fewer when they are large, so that memory stays bounded.
BATCH = 200
BATCH_BYTES = 32 * 1024 * 1024


def account_sync(*, account: MailAccount, progress=None) -> SyncReport:
    """Read new messages from every folder of ``account`` (incremental by UID; a changed
    UIDVALIDITY starts the folder over, which dedupe makes harmless)."""
    report = SyncReport(account_id=account.pk)
    # One sync per account at a time, however many workers run.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [7410, account.pk])
        if not cursor.fetchone()[0]:
            report.errors.append("busy")
            return report
    try:
        with imap_connect(account, timeout=SYNC_TIMEOUT) as box:
            for folder in account.folder_list():
                _folder_sync(box, account=account, folder=folder, report=report, progress=progress)
        account.last_error = ""
    except Exception as error:
        logger.warning("Mail sync of account %s failed: %s", account.pk, error)
        report.errors.append(str(error))
        account.last_error = str(error)[:2000]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [7410, account.pk])
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
    pending = _pending(box, state.last_uid)
    done = 0
    if progress:
        progress(folder=folder, total=len(pending), done=0)
    for uids in _chunks(pending):
        # Parse first: a malformed message is skipped before it can spoil the chunk.
        messages = []
        for uid, raw in _fetch(box, uids):
            report.seen += 1
            try:
                messages.append((parse_message(raw), uid))
            except Exception as error:
                _skip(report, account=account, folder=folder, uid=uid, error=error)
        _chunk_store(
            account=account, state=state, messages=messages, last_uid=uids[-1], report=report
        )
        done += len(uids)
        if progress:
            progress(folder=folder, total=len(pending), done=done)


def _pending(box, last_uid: int) -> list[tuple[int, int]]:
    """(UID, size) of the selected folder's messages above ``last_uid``, oldest first."""
    _ok, data = box.client.uid("fetch", f"{last_uid + 1}:*", "(RFC822.SIZE)")
    pending = []
    for line in data:
        line = (line[0] if isinstance(line, tuple) else line) or b""
        uid = re.search(rb"UID (\d+)", line)
        size = re.search(rb"RFC822\.SIZE (\d+)", line)
        # "n:*" names the last message even when its UID is below n.
        if uid and int(uid.group(1)) > last_uid:
            pending.append((int(uid.group(1)), int(size.group(1)) if size else 0))
    return sorted(pending)


def _chunks(pending: list[tuple[int, int]]) -> Iterator[list[int]]:
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


def _fetch(box, uids: list[int]) -> Iterator[tuple[int, bytes]]:
    """(UID, raw message) for ``uids``, each let go of once handed out."""
    _ok, data = box.client.uid("fetch", ",".join(map(str, uids)), "(BODY.PEEK[])")
    for i, item in enumerate(data):
        if not isinstance(item, tuple):
            continue
        data[i] = None
        # Dovecot names the UID before the message; a server may name it after.
        after = data[i + 1] if i + 1 < len(data) and isinstance(data[i + 1], bytes) else b""
        match = re.search(rb"UID (\d+)", item[0]) or re.search(rb"UID (\d+)", after)
        yield (int(match.group(1)) if match else 0), item[1]


def _chunk_store(
    *,
    account: MailAccount,
    state: MailFolderState,
    messages: list[tuple[ParsedMessage, int]],
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
                _skip(report, account=account, folder=state.name, uid=uid, error=error)
        MailFolderState.objects.filter(pk=state.pk).update(last_uid=last_uid)
    state.last_uid = last_uid
    report.new += sum(result.created for result in results)


def _skip(report: SyncReport, *, account: MailAccount, folder: str, uid: int, error) -> None:
    report.skipped += 1
    logger.warning(
        "Skipped message UID %s in %s of account %s: %s", uid, folder, account.pk, error
    )
