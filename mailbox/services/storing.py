"""Storing parsed messages: each once (by Message-ID or the fallback hash), with its
addresses, its attachments (through the files app) and the accounts' copies of it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse

from files.services import file_store

from ..models import MailAccount, Message, MessageAddress, MessageAttachment, MessageCopy
from ..parsing import ParsedMessage, parse_message, rewrite_cid, sanitise_html
from . import linking

# How often storing a batch is tried when other syncs keep inserting some of its messages
# first (each try looks them up again); a third collision in a row is a fault, not a race.
INSERT_ATTEMPTS = 3
# An attachment's declared type and Content-ID are cut to what their columns hold.
CONTENT_TYPE_LENGTH = MessageAttachment._meta.get_field("content_type").max_length
CONTENT_ID_LENGTH = MessageAttachment._meta.get_field("content_id").max_length


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
                content_type=item.content_type[:CONTENT_TYPE_LENGTH],
                content_id=item.content_id[:CONTENT_ID_LENGTH],
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
    attempts = INSERT_ATTEMPTS
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
            linking.messages_link(
                messages=Message.objects.filter(pk__in=[m.pk for m in stored.values()])
            )
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


def raw_message_store(*, raw: bytes, account: MailAccount | None, folder="", uid=0):
    return message_store(parsed=parse_message(raw), account=account, folder=folder, uid=uid)
