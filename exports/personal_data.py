"""Everything the CRM holds about one person (GDPR art. 15 and 20), as a ZIP: a
machine-readable ``data.json``, a readable ``summary.html`` and the files themselves.

Read as the administrator who asks sees it, through the same selectors the card uses:
notes through ``Note.objects.visible_to`` (another user's private note never), the
timeline through ``history.selectors.timeline`` (another user's private entry never).
Administrators read a locked contact's e-mail, so it is included.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import shutil
import tempfile
import zipfile
from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Appointment, Note, Project, Task
from cardservices.models import NumberLookup, SmsMessage
from companies.models import CompanyLink
from contacts.models import Contact
from files.models import FileLink
from history.selectors import timeline
from history.verbs import render
from mailbox.models import Message, MessageAttachment
from orders.models import Invoice, Order

# Columns that say nothing about the person: search helpers and storage keys.
_SKIP = {"sort_key", "phone_digits", "key", "dedupe_key"}


def _value(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).isoformat()
            if timezone.is_aware(value)
            else value.isoformat()
        )
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _value(v) for k, v in value.items()}
    return str(value)  # phone numbers and the like


def _row(obj: models.Model, **extra) -> dict:
    """The object's own columns (relations as ids) and ``extra``, JSON-safe."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in _SKIP or isinstance(field, models.GeneratedField):
            continue
        name = field.attname
        data[name] = _value(getattr(obj, name))
    data.update({k: _value(v) for k, v in extra.items()})
    return data


def _user(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


def personal_data(*, contact: Contact, viewer) -> dict:
    """The person's data, section by section, as JSON-safe dicts."""
    files = list(FileLink.objects.filter(contact=contact).select_related("file", "linked_by"))
    messages = list(
        Message.objects.visible_to(viewer)
        .filter(links__contact=contact)
        .order_by("-sent_at", "-id")
        .distinct()
    )
    attachments = list(
        MessageAttachment.objects.filter(message__in=[m.pk for m in messages]).select_related(
            "file"
        )
    )
    orders = list(
        Order.objects.filter(contact=contact).prefetch_related("lines").order_by("-date", "-id")
    )
    return {
        "exported_at": _value(timezone.now()),
        "exported_by": _user(viewer),
        "contact": _row(
            contact,
            emails=list(contact.emails.order_by("position", "id").values_list("email", flat=True)),
            categories=list(contact.categories.order_by("name").values_list("name", flat=True)),
            owner=_user(contact.owner),
        ),
        "company_links": [
            _row(link, company=link.company.name)
            for link in CompanyLink.objects.filter(contact=contact).select_related("company")
        ],
        "appointments": [
            _row(a, owner=_user(a.owner), company=a.company.name if a.company else None)
            for a in Appointment.objects.filter(contacts=contact)
            .select_related("owner", "company")
            .order_by("-start_at", "-id")
        ],
        "tasks": [
            _row(t, assignee=_user(t.assignee), company=t.company.name if t.company else None)
            for t in Task.objects.filter(contacts=contact)
            .select_related("assignee", "company")
            .order_by("-created_at", "-id")
        ],
        "projects": [
            _row(p) for p in Project.objects.filter(participants=contact).order_by("name")
        ],
        "notes": [
            _row(n, author=_user(n.author))
            for n in Note.objects.visible_to(viewer)
            .for_contact(contact)
            .select_related("author")
            .order_by("-created_at", "-id")
        ],
        "history": [
            {
                "occurred_at": _value(entry.occurred_at),
                "actor": _user(entry.actor) or entry.actor_label or None,
                "event": entry.verb,
                "text": render(entry),
                "data": _value(entry.data),
            }
            for entry in timeline(contact=contact, viewer=viewer)
        ],
        "orders": [_row(o, lines=[_row(line) for line in o.lines.all()]) for o in orders],
        "invoices": [
            _row(i) for i in Invoice.objects.filter(order__contact=contact).order_by("-number")
        ],
        "email_messages": [
            _row(
                m,
                attachments=[
                    {"filename": a.filename, "size": a.size, "path": _attachment_path(a)}
                    for a in attachments
                    if a.message_id == m.pk
                ],
            )
            for m in messages
        ],
        "files": [
            _row(
                link.file,
                linked_at=link.created_at,
                linked_by=_user(link.linked_by),
                path=_file_path(link.file),
            )
            for link in files
        ],
        "sms_messages": [
            _row(s) for s in SmsMessage.objects.filter(contact=contact).order_by("-created_at")
        ],
        "number_lookups": [
            _row(n) for n in NumberLookup.objects.filter(contact=contact).order_by("-created_at")
        ],
        "_stored": [(_file_path(link.file), link.file.key) for link in files]
        + [(_attachment_path(a), a.file.key) for a in attachments],
    }


def _safe_name(name: str) -> str:
    name = PurePosixPath(name.replace("\\", "/")).name or "file"
    return "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')[:120] or "file"


def _file_path(file) -> str:
    return f"files/{file.pk}-{_safe_name(file.name)}"


def _attachment_path(attachment) -> str:
    return f"email/{attachment.message_id}/{attachment.pk}-{_safe_name(attachment.filename)}"


SECTIONS = [
    "company_links",
    "appointments",
    "tasks",
    "projects",
    "notes",
    "history",
    "orders",
    "invoices",
    "email_messages",
    "files",
    "sms_messages",
    "number_lookups",
]


def personal_data_zip(*, contact: Contact, viewer):
    """The ZIP in a temporary file (rewound): data.json, summary.html and the files."""
    data = personal_data(contact=contact, viewer=viewer)
    stored = data.pop("_stored")
    titles = {
        "company_links": _("Company links"),
        "appointments": _("Appointments"),
        "tasks": _("Tasks"),
        "projects": _("Projects"),
        "notes": _("Notes"),
        "history": _("History"),
        "orders": _("Orders"),
        "invoices": _("Invoices"),
        "email_messages": _("E-mail messages"),
        "files": _("Files"),
        "sms_messages": _("SMS messages"),
        "number_lookups": _("Number lookups"),
    }
    summary = render_to_string(
        "exports/personal_data_summary.html",
        {
            "contact": contact,
            "data": data,
            "own": data["contact"],
            "sections": [(titles[key], data[key]) for key in SECTIONS],
        },
    )
    out = tempfile.TemporaryFile(suffix=".zip")  # noqa: SIM115 - FileResponse closes it
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("summary.html", summary)
        written = set()
        for path, key in stored:
            if path in written:
                continue
            written.add(path)
            try:
                source = default_storage.open(key, "rb")
            except (FileNotFoundError, OSError):
                continue  # the bytes are gone: the JSON still lists the file
            with source, archive.open(path, "w") as target:
                shutil.copyfileobj(source, target, 1 << 20)
    out.seek(0)
    return out
