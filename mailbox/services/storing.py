"""Storing parsed messages: each once (by Message-ID or the fallback hash), with its
addresses, its attachments (through the files app), the accounts' copies of it and its
conversation (thread key).

Threads: a message's ``thread_ids`` are its own Message-ID and those it answers
(References, In-Reply-To). Messages sharing one of them are one conversation and share
a ``thread_key``. A new message starts with its root (the first it answers, else its
own ID) and joins the conversation of any stored message sharing an ID with it; should it
tie two stored conversations together (a reply that arrived before the message it
answers, a mailer that cut References short), they become one. The subject is not used:
«Re: Tilbud» from two customers is two conversations, and a wrong merge would show one
customer's mail in another's conversation.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from files.services import file_store

from ..models import MailAccount, Message, MessageAddress, MessageAttachment, MessageCopy
from ..parsing import ParsedMessage, parse_message, rewrite_cid, sanitise_html
from . import linking
from .locks import link_lock_hold

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


def _thread_root(message: Message) -> str:
    """The key a message's conversation starts with when no stored message shares an ID
    with it: the first ID it answers (the root of References), else its own ID, else
    (no IDs at all) its dedupe key, a conversation of its own."""
    references = message.thread_ids[1:] if message.message_id else message.thread_ids
    if references:
        return references[0]
    return message.thread_ids[0] if message.thread_ids else message.dedupe_key


def _new_message(parsed: ParsedMessage) -> Message:
    inline = any(item.content_id for item in parsed.attachments)
    message = Message(
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
        thread_ids=parsed.thread_ids,
    )
    message.thread_key = _thread_root(message)
    return message


# Thread keys beside IDs in one union-find: a prefix no Message-ID has.
_KEY = "\x00"
# The stored conversations sharing an ID with new messages: (thread key, shared ID). One
# GIN lookup per ID (``@>`` a one-element array): ``thread_ids && <all the chunk's IDs>``
# is estimated so unselective that the planner reads the whole table instead (270 ms a
# chunk of 200 at 40,000 messages, against 9 ms this way).
_THREADS_SHARING = """
    SELECT DISTINCT m.thread_key, q.id
    FROM unnest(%(ids)s::varchar(300)[]) AS q(id)
    JOIN mailbox_message m ON m.thread_ids @> ARRAY[q.id]
    WHERE NOT (m.id = ANY(%(new)s))
"""


def _threads_assign(new: list[Message]) -> None:
    """Put new messages into their conversations (see the module's docstring): one
    query to find the stored conversations sharing an ID with them, and updates only
    where a message joins one or two conversations become one. Call with the linking
    lock held (``link_lock_hold``): two syncs threading related messages side by side
    would each miss the other's uncommitted rows."""
    ids = sorted({i for message in new for i in message.thread_ids})
    if not ids:
        return
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.get(node, node) != node:
            parent[node] = parent.get(parent[node], parent[node])
            node = parent[node]
        return node

    def union(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    for message in new:
        for other in message.thread_ids[1:]:
            union(other, message.thread_ids[0])
    with connection.cursor() as cursor:
        cursor.execute(_THREADS_SHARING, {"ids": ids, "new": [m.pk for m in new]})
        shared = cursor.fetchall()
    # A stored key joins the IDs it was found by: two new messages touching one stored
    # conversation are in the same one, whatever else they tie together.
    for key, shared_id in shared:
        union(shared_id, _KEY + key)
    stored_keys: dict[str, set[str]] = {}
    for key, _shared_id in shared:
        stored_keys.setdefault(find(_KEY + key), set()).add(key)
    # A conversation keeps its key; when a message ties several together, the smallest.
    keys = {root: min(found) for root, found in stored_keys.items()}
    for message in sorted(new, key=lambda m: (m.sent_at, m.pk)):
        if message.thread_ids:
            # Otherwise, the oldest new message's root names the new conversation.
            keys.setdefault(find(message.thread_ids[0]), message.thread_key)
    changed = []
    for message in new:
        if message.thread_ids:
            key = keys[find(message.thread_ids[0])]
            if key != message.thread_key:
                message.thread_key = key
                changed.append(message)
    Message.objects.bulk_update(changed, ["thread_key"])
    for root, found in stored_keys.items():
        if len(found) > 1:
            Message.objects.filter(thread_key__in=found - {keys[root]}).update(
                thread_key=keys[root]
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
    if any(message.thread_ids for message in new):
        link_lock_hold()
        _threads_assign(new)
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


def stored_dedupe_keys(*, keys: set[str]) -> set[str]:
    """Those of ``keys`` whose message is stored already."""
    if not keys:
        return set()
    return set(
        Message.objects.filter(dedupe_key__in=list(keys)).values_list("dedupe_key", flat=True)
    )


@transaction.atomic
def copies_store(*, account: MailAccount, folder: str, uids: dict[str, int]) -> int:
    """Note ``account``'s copies of messages already stored (``uids``: their dedupe keys
    and UIDs in ``folder``) and link them, without reading them again from the server.
    Returns how many of them were found."""
    found = dict(Message.objects.filter(dedupe_key__in=list(uids)).values_list("dedupe_key", "pk"))
    MessageCopy.objects.bulk_create(
        [
            MessageCopy(message_id=pk, account=account, folder=folder, uid=uids[key])
            for key, pk in found.items()
        ],
        ignore_conflicts=True,
    )
    if found and account.link_to_crm:
        linking.messages_link(messages=Message.objects.filter(pk__in=list(found.values())))
    return len(found)


def message_store(
    *, parsed: ParsedMessage, account: MailAccount | None, folder: str = "", uid: int = 0
) -> StoreResult:
    """Store one parsed message: see :func:`messages_store`."""
    return messages_store(messages=[(parsed, uid)], account=account, folder=folder)[0]


def raw_message_store(*, raw: bytes, account: MailAccount | None, folder="", uid=0):
    return message_store(parsed=parse_message(raw), account=account, folder=folder, uid=uid)
