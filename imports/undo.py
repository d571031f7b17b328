"""Undoing an import: what it created is removed, what it changed gets its earlier values.

A row is left as it is when anything touched its records after the import finished: a
line on the person's or company's timeline (a note, a change, an appointment, a link —
every app writes there) or a later save of the link. The report names each such row,
what was touched, when and by whom. Which rows are touched is read before anything is
undone, as undoing writes timeline lines of its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, ProtectedError, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from companies.models import Company, CompanyLink
from contacts.models import Contact, ContactEmail
from crm.signals import UPDATED, rows_written

from .models import ImportJob, ImportRecord

MODELS = {"contact": Contact, "company": Company, "link": CompanyLink}


@dataclass
class _Item:
    kind: str
    object_id: int
    row_number: int
    action: str
    before: dict


def mark_finished(job: ImportJob) -> None:
    """Note when the import finished, and how far the timeline had come by then."""
    from history.models import Entry

    job.finished_at = timezone.now()
    job.history_mark = Entry.objects.aggregate(last=Max("id"))["last"] or 0


def _touched(kind: str, ids: list[int], since, mark) -> dict[int, str]:
    """id → why it counts as touched after ``since`` (who did what when)."""
    from history.models import Entry
    from history.verbs import actor_name, render

    model = MODELS[kind]
    why: dict[int, str] = {}
    for pk, updated_at in model.objects.filter(pk__in=ids, updated_at__gt=since).values_list(
        "pk", "updated_at"
    ):
        why[pk] = _("changed %(when)s") % {"when": _when(updated_at)}
    if kind == "link":
        return why
    later = Q(occurred_at__gt=since)
    if mark is not None:
        later |= Q(id__gt=mark)
    newest = (
        Entry.objects.filter(later, **{f"{kind}_id__in": ids})
        .values(f"{kind}_id")
        .annotate(last=Max("id"))
        .values_list("last", flat=True)
    )
    for entry in Entry.objects.filter(pk__in=list(newest)).select_related("actor"):
        owner = entry.contact_id if kind == "contact" else entry.company_id
        why[owner] = _("«%(event)s» by %(who)s, %(when)s") % {
            "event": render(entry),
            "who": actor_name(entry),
            "when": _when(entry.occurred_at),
        }
    return why


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _name(kind: str, obj) -> str:
    if obj is None:
        return ""
    if kind == "link":
        return f"{obj.contact} – {obj.company}"
    return str(obj)


@transaction.atomic
def undo_job(*, job: ImportJob, actor=None) -> dict:
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    since = job.finished_at or job.updated_at
    records = [
        _Item(record.kind, pk, row, record.action, record.before)
        for record in job.records.order_by("id")
        for pk, row in record.items()
    ]
    by_kind = defaultdict(list)
    for record in records:
        by_kind[record.kind].append(record)
    objects = {
        kind: MODELS[kind].objects.in_bulk([r.object_id for r in by_kind[kind]]) for kind in MODELS
    }
    if objects["link"]:
        objects["link"] = CompanyLink.objects.select_related("contact", "company").in_bulk(
            list(objects["link"])
        )
    touched = {
        kind: _touched(kind, list(objects[kind]), since, job.history_mark) for kind in MODELS
    }
    # A row is kept whole when any of its records was touched.
    kept_rows: dict[int, str] = {}
    for record in records:
        reason = touched[record.kind].get(record.object_id)
        if reason and record.row_number not in kept_rows:
            name = _name(record.kind, objects[record.kind].get(record.object_id))
            kept_rows[record.row_number] = _("%(name)s was touched after the import: %(why)s.") % {
                "name": name,
                "why": reason,
            }
    refused = []
    undone = 0
    restored_contacts = []
    for kind in ("link", "contact", "company"):
        to_delete = []
        for record in by_kind[kind]:
            obj = objects[kind].get(record.object_id)
            if obj is None:
                continue  # already gone: nothing to undo
            if record.row_number in kept_rows:
                refused.append(
                    {
                        "row": record.row_number,
                        "name": _name(kind, obj),
                        "reason": kept_rows[record.row_number],
                    }
                )
                continue
            if record.action == ImportRecord.Action.CREATED:
                to_delete.append((record, obj))
            else:
                _restore(kind, obj, record.before)
                undone += 1
                if kind == "contact":
                    restored_contacts.append(obj.pk)
        for record, obj in to_delete:
            reason = _cannot_delete(kind, obj)
            if reason is None:
                try:
                    with transaction.atomic():
                        obj.delete()
                except ProtectedError:
                    reason = _("it has orders or invoices that must be kept")
            if reason is None:
                undone += 1
            else:
                refused.append(
                    {
                        "row": record.row_number,
                        "name": _name(kind, obj),
                        "reason": _("%(name)s is kept: %(why)s.")
                        % {"name": _name(kind, obj), "why": reason},
                    }
                )
    if restored_contacts:
        from history.services import history_record_many

        history_record_many(
            records=[
                {
                    "contact": pk,
                    "verb": "imports.undone",
                    "actor": actor,
                    "data": {"file": job.file_name, "job": job.pk},
                }
                for pk in restored_contacts
            ]
        )
    refused.sort(key=lambda r: r["row"])
    job.undo_report = {"undone": undone, "refused": refused}
    job.status = ImportJob.Status.PARTLY_UNDONE if refused else ImportJob.Status.UNDONE
    job.save(update_fields=["undo_report", "status", "updated_at"])
    return job.undo_report


def _cannot_delete(kind: str, obj) -> str | None:
    """Why a created record must stay: someone else's link still points at it."""
    if kind == "contact" and obj.company_links.exists():
        return _("it is still linked to a company")
    if kind == "company" and obj.links.exists():
        return _("people are still linked to it")
    return None


def _restore(kind: str, obj, before: dict) -> None:
    model = MODELS[kind]
    fields = {}
    for name, value in (before.get("fields") or {}).items():
        field = model._meta.get_field(name.removesuffix("_id") if name == "owner_id" else name)
        if value is None and not field.null:
            value = ""
        fields[field.attname] = field.to_python(value) if value not in (None, "") else value
    if fields:
        model.objects.filter(pk=obj.pk).update(**fields, updated_at=timezone.now())
        rows_written(model, [obj.pk], UPDATED)
    if kind == "contact":
        added = [e.lower() for e in before.get("emails_added") or []]
        if added:
            for email in ContactEmail.objects.filter(contact_id=obj.pk):
                if email.email.lower() in added:
                    email.delete()
    if kind in ("contact", "company") and before.get("categories_added"):
        obj.categories.remove(*before["categories_added"])
