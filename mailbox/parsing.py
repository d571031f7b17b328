"""Reading a raw RFC 5322 message with the standard library's modern policy."""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.headerregistry import Address, HeaderRegistry
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses, parsedate_to_datetime

import nh3
from django.utils import timezone

ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"font", "center"}
ALLOWED_ATTRIBUTES = {
    **nh3.ALLOWED_ATTRIBUTES,
    "*": {"align", "dir", "lang", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align", "valign", "width"},
    "th": {"colspan", "rowspan", "align", "valign", "width"},
    "table": {"width", "border", "cellpadding", "cellspacing"},
    "font": {"color", "size", "face"},
}


class _RememberingHeaders(HeaderRegistry):
    """The modern policy parses a header anew on every read, and builds a class for it
    each time; reading one message (its body parts' Content-Type above all) reads the
    same headers dozens of times. Parsed headers are immutable: remember the latest."""

    @functools.lru_cache(maxsize=64)  # noqa: B019 (one registry for the process)
    def __getitem__(self, name):
        return super().__getitem__(name)

    @functools.lru_cache(maxsize=512)  # noqa: B019
    def __call__(self, name, value):
        return super().__call__(name, value)


POLICY = policy.default.clone(header_factory=_RememberingHeaders())


class MalformedMessage(Exception):
    pass


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes
    content_id: str = ""


@dataclass
class ParsedMessage:
    message_id: str
    subject: str
    from_name: str
    from_address: str
    to: list[str]
    cc: list[str]
    sent_at: datetime
    text: str
    html: str  # raw: sanitise with sanitise_html() after cid: rewriting
    attachments: list[ParsedAttachment] = field(default_factory=list)
    size: int = 0
    fallback_key: str = ""
    # The Message-IDs this one answers: References (root first), then In-Reply-To.
    references: list[str] = field(default_factory=list)

    @property
    def dedupe_key(self) -> str:
        return f"id:{self.message_id}"[:300] if self.message_id else self.fallback_key

    @property
    def thread_ids(self) -> list[str]:
        """The IDs that tie this message to its conversation: its own and those it
        answers, each cut to :data:`THREAD_ID_LENGTH` (see storing's threading)."""
        own = [self.message_id[:THREAD_ID_LENGTH]] if self.message_id else []
        return list(dict.fromkeys(own + self.references))


@dataclass
class ParsedHeaders:
    """What a sync reads from a message's header alone, before fetching the whole."""

    message_id: str
    addresses: set[str]

    @property
    def dedupe_key(self) -> str:
        """The message's key when stored ("" without a Message-ID: its fallback key
        needs the body)."""
        return f"id:{self.message_id}"[:300] if self.message_id else ""


# The header fields a sync fetches first (imap.fetch_headers) to decide what to keep.
DECIDING_HEADERS = ("From", "To", "Cc", "Message-ID")
# A thread ID is cut to this length (Message-IDs may be up to 998 characters; none real
# comes near), and a message keeps at most this many of the IDs it answers: the root
# (first of References) and the nearest ones, as RFC 5322 §3.6.4 asks of trimmed chains.
THREAD_ID_LENGTH = 300
MAX_REFERENCES = 30
_MSG_ID = re.compile(r"<([^<>\s]+)>")


def _header(msg, name) -> str:
    try:
        value = msg.get(name)
    except Exception:  # a header the modern policy cannot even parse
        value = msg.get_all(name, failobj=[""])[0] if hasattr(msg, "get_all") else ""
    return re.sub(r"\s+", " ", str(value or "")).strip()


def _addresses(msg, name) -> list[tuple[str, str]]:
    values = []
    for raw in msg.get_all(name, []) or []:
        try:
            addresses = getattr(raw, "addresses", None)
            if addresses is not None:
                values.extend((a.display_name, a.addr_spec) for a in addresses if a.addr_spec)
                continue
        except Exception:
            pass
        values.extend(getaddresses([str(raw)]))
    return [(n, a.strip().lower()) for n, a in values if a and "@" in a][:200]


def _storable(text: str) -> str:
    """Text PostgreSQL accepts: no NUL characters, no lone surrogates. The parser keeps
    undecodable 8-bit header bytes as surrogates; read them as UTF-8, else Windows-1252
    (what old Norwegian mailers send unlabelled)."""
    text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a surrogate that is no escaped byte
            return text.encode("utf-8", "replace").decode("utf-8")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", "replace")
    return text


def _text_of(part) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError, ValueError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


def _references(msg) -> list[str]:
    """References (root first) and In-Reply-To as bare IDs, without repeats, trimmed to
    the root and the nearest :data:`MAX_REFERENCES` - 1."""
    in_reply_to = _header(msg, "In-Reply-To")
    found = _MSG_ID.findall(_header(msg, "References")) + (
        # A few mailers leave out the angle brackets around a lone ID.
        _MSG_ID.findall(in_reply_to) or [t for t in in_reply_to.split()[:1] if "@" in t]
    )
    ids = list(dict.fromkeys(_storable(i)[:THREAD_ID_LENGTH] for i in found))
    if len(ids) > MAX_REFERENCES:
        ids = ids[:1] + ids[-(MAX_REFERENCES - 1) :]
    return ids


def _message_id(msg) -> str:
    return _storable(_header(msg, "Message-ID").strip("<> ")[:900])


def parse_headers(raw: bytes) -> ParsedHeaders:
    """The Message-ID and the From/To/Cc addresses of a header block, as
    :func:`parse_message` reads them. With the legacy policy: the modern one's header
    objects cost more than the rest of a sync's look at a message (a tenth of a whole
    sync of 10,000), and addresses need no decoding (a display name's encoded words
    hold no comma or angle bracket to confuse ``getaddresses``)."""
    msg = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
    values = [str(v) for name in ("From", "To", "Cc") for v in msg.get_all(name, [])]
    addresses = {_storable(a.strip().lower()) for _n, a in getaddresses(values) if a and "@" in a}
    message_id = re.sub(r"\s+", " ", str(msg.get("Message-ID") or "")).strip()
    return ParsedHeaders(message_id=_storable(message_id.strip("<> ")[:900]), addresses=addresses)


def parse_message(raw: bytes) -> ParsedMessage:
    """Parse a message; raise MalformedMessage when nothing sensible can be read."""
    if not raw or not raw.strip():
        raise MalformedMessage("empty message")
    try:
        msg = BytesParser(policy=POLICY).parsebytes(raw)
    except Exception as error:  # the parser is lenient; this is the rare hard failure
        raise MalformedMessage(str(error)) from error
    has_header = any(msg.get(h) for h in ("From", "To", "Subject", "Date", "Message-ID"))
    if not has_header:
        raise MalformedMessage("no headers")
    message_id = _message_id(msg)
    senders = _addresses(msg, "From")
    from_name, from_address = senders[0] if senders else ("", "")
    sent_at = None
    try:
        sent_at = parsedate_to_datetime(_header(msg, "Date"))
        if timezone.is_naive(sent_at):
            sent_at = timezone.make_aware(sent_at, timezone.get_default_timezone())
    except (TypeError, ValueError, IndexError):
        sent_at = None
    text = html = ""
    attachments: list[ParsedAttachment] = []
    try:
        body = msg.get_body(preferencelist=("plain",))
        if body is not None:
            text = _text_of(body)
        body = msg.get_body(preferencelist=("html",))
        if body is not None:
            html = _text_of(body)
        for part in msg.walk():
            if part.is_multipart():
                continue
            disposition = part.get_content_disposition()
            content_id = str(part.get("Content-ID") or "").strip("<> ")
            is_inline_image = content_id and part.get_content_maintype() == "image"
            if disposition != "attachment" and not is_inline_image:
                continue
            content = part.get_payload(decode=True) or b""
            try:
                filename = part.get_filename() or ""
            except Exception:
                filename = ""
            attachments.append(
                ParsedAttachment(
                    filename=_storable(filename or content_id or "vedlegg")[:200],
                    content_type=_storable(part.get_content_type()),
                    content=content,
                    content_id=_storable(content_id),
                )
            )
    except Exception as error:
        # A broken multipart: keep what the top level offers rather than nothing.
        if not (text or html):
            payload = msg.get_payload(decode=True) if not msg.is_multipart() else None
            if payload is None:
                raise MalformedMessage(f"unreadable body: {error}") from error
            text = payload.decode("utf-8", errors="replace")
    subject = _header(msg, "Subject")
    fallback = hashlib.sha256(
        "\x1f".join(
            [_header(msg, "Date"), from_address, subject, text[:2000] or html[:2000]]
        ).encode("utf-8", errors="replace")
    ).hexdigest()
    # Cleaned only now: the fallback key above must not change for stored messages.
    return ParsedMessage(
        message_id=message_id,
        references=[i for i in _references(msg) if i != message_id[:THREAD_ID_LENGTH]],
        subject=_storable(subject)[:2000],
        from_name=_storable(from_name)[:300],
        from_address=_storable(from_address)[:320],
        to=[_storable(a) for _, a in _addresses(msg, "To")],
        cc=[_storable(a) for _, a in _addresses(msg, "Cc")],
        sent_at=sent_at or timezone.now(),
        text=_storable(text),
        html=_storable(html),
        attachments=attachments,
        size=len(raw),
        fallback_key=f"sha256:{fallback}",
    )


def rewrite_cid(html: str, urls: dict[str, str]) -> str:
    """Point ``cid:`` references at our attachment URLs (nh3 would drop cid: links)."""
    if not urls:
        return html

    def repl(match):
        return urls.get(match.group(2).strip(), match.group(0)) if match.group(2) else ""

    return re.sub(r"cid:(<)?([^\"'>\s)]+)>?", lambda m: urls.get(m.group(2), m.group(0)), html)


def sanitise_html(html: str) -> str:
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def format_address(name: str, address: str) -> str:
    return str(Address(display_name=name, addr_spec=address)) if name else address
