"""Writing a plan (``planning.py``): in batches of rows, each batch one transaction.

A batch is written with a handful of bulk statements (companies, contacts, their e-mail
addresses and categories, links, the job's records for undo, the timeline lines), told to
the observers of saves by ``crm.signals.rows_written``, so a
failure anywhere in it leaves nothing of it behind: no person without the link its row
named. Customer numbers the file brings are kept: the batch holds the series alone
(``contacts.customer_numbers.lock_series``) while it checks them against both tables and
moves the series above them, so another import or a «+» at the same moment can neither
take the same number nor be handed one of them later.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Company, CompanyLink
from contacts.customer_numbers import continue_series_above, lock_series
from contacts.hooks import addresses_imported
from contacts.models import Category, Contact, ContactEmail
from crm.signals import CREATED, UPDATED, rows_written
from history.bulk import bulk_inserts, record_inserted, record_on_contacts

from .copying import copy_insert
from .existing import number_holders
from .models import ImportJob, ImportRecord
from .plan import Entity, Plan

BATCH_ROWS = 5_000
COMMAND = "import_contacts"
MODELS = {"contact": Contact, "company": Company, "link": CompanyLink}


class ImportConflict(Exception):
    """Something changed under the import (a number taken meanwhile); the batch is undone."""


def write_plan(
    *, plan: Plan, job: ImportJob, actor, progress: Callable[[int], None] | None = None
):
    """Write the plan batch by batch; each batch is all or nothing."""
    entities = [e for e in plan.entities if e.is_new or e.changes()]
    accepted = {row.number for row in plan.rows if row.status != "refused"}
    entities = [e for e in entities if e.first_row in accepted]
    by_row = defaultdict(list)
    for entity in entities:
        by_row[entity.first_row].append(entity)
    done = 0
    for start in range(0, len(plan.rows), BATCH_ROWS):
        rows = plan.rows[start : start + BATCH_ROWS]
        batch = [e for row in rows for e in by_row.get(row.number, [])]
        with transaction.atomic(), bulk_inserts():
            _write_batch(plan, batch, job, actor)
            done += len(rows)
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=done)
        if progress is not None:
            progress(len(rows))
    # The mail from and to the new addresses (the mailbox links and collects it).
    addresses_imported(sorted({a for e in entities if e.kind == "contact" for a in e.emails_add}))


def _write_batch(plan: Plan, batch: list[Entity], job: ImportJob, actor) -> None:
    now = timezone.now()
    who = {"actor_id": actor.pk if actor else None, "actor_label": "" if actor else COMMAND}
    created = {id(e) for e in batch if e.is_new}
    _create_categories(plan, batch)
    _keep_customer_numbers(batch)
    for kind in ("company", "contact"):
        of_kind = [e for e in batch if e.kind == kind]
        record_inserted(kind, _create(kind, [e for e in of_kind if e.is_new]), **who)
        _update(kind, [e for e in of_kind if e.id is not None and e.values and e.before], now)
        record_inserted(f"{kind}_category", _categories(kind, of_kind, plan), **who)
    contacts = [e for e in batch if e.kind == "contact"]
    record_inserted("email", _emails(contacts), **who)
    links = [e for e in batch if e.kind == "link"]
    for link in links:
        link.values["contact_id"] = link.contact.id
        link.values["company_id"] = link.company.id
    record_inserted("link", _create("link", [e for e in links if e.is_new]), **who)
    _update("link", [e for e in links if not e.is_new and e.before], now)
    _records(job, batch, created, plan.categories)
    _timeline(job, contacts, who)
    # For the observers of saves (webhooks), whom COPY and bulk_update() pass by.
    for kind in ("company", "contact"):
        of_kind = [e for e in batch if e.kind == kind]
        rows_written(MODELS[kind], [e.id for e in of_kind if id(e) in created], CREATED)
        rows_written(MODELS[kind], [e.id for e in of_kind if id(e) not in created], UPDATED)


def _create_categories(plan: Plan, batch: list[Entity]) -> None:
    wanted = {k for e in batch for k in e.categories_add if k not in plan.categories}
    if not wanted:
        return
    Category.objects.bulk_create(
        [Category(name=plan.category_names.get(k, k)) for k in sorted(wanted)],
        ignore_conflicts=True,
    )
    for key, pk in (
        Category.objects.annotate(key=Lower("name"))
        .filter(key__in=wanted)
        .values_list("key", "id")
    ):
        plan.categories[key] = pk


def _keep_customer_numbers(batch: list[Entity]) -> None:
    given = {e.values["customer_number"]: e for e in batch if e.values.get("customer_number")}
    if not given:
        return
    lock_series()
    for number, kind, pk in number_holders(sorted(given)):
        entity = given[number]
        if (kind, pk) != (entity.kind, entity.id):
            raise ImportConflict(
                _(
                    "Customer number %(number)s was given to someone else while the import"
                    " ran. Nothing of this batch was written; run the import again."
                )
                % {"number": number}
            )
    continue_series_above(max(given))


def _create(kind: str, entities: list[Entity]) -> list[int]:
    if not entities:
        return []
    ids = copy_insert(MODELS[kind], [e.values for e in entities])
    for entity, pk in zip(entities, ids, strict=True):
        entity.id = pk
    return ids


def _update(kind: str, entities: list[Entity], now) -> None:
    model = MODELS[kind]
    groups = defaultdict(list)
    for entity in entities:
        groups[tuple(sorted(entity.values))].append(entity)
    for names, group in groups.items():
        names = [n for n in names if n not in ("contact_id", "company_id")]
        if not names:
            continue
        objects = []
        for entity in group:
            obj = model(pk=entity.id, **{n: entity.values[n] for n in names})
            obj.updated_at = now
            objects.append(obj)
        model.objects.bulk_update(objects, [*names, "updated_at"], batch_size=1_000)


def _categories(kind: str, entities: list[Entity], plan: Plan) -> list[int]:
    through = MODELS[kind].categories.through
    column = f"{kind}_id"
    rows = [
        {column: e.id, "category_id": plan.categories[k]}
        for e in entities
        for k in sorted(e.categories_add)
    ]
    return copy_insert(through, rows)


def _emails(contacts: list[Entity]) -> list[int]:
    rows = [
        {"contact_id": e.id, "email": address, "position": len(e.emails) + i}
        for e in contacts
        for i, address in enumerate(e.emails_add)
    ]
    return copy_insert(ContactEmail, rows)


def _records(job: ImportJob, batch: list[Entity], created: set[int], categories) -> None:
    records = []
    new = defaultdict(list)
    for entity in batch:
        if id(entity) in created:
            new[entity.kind].append(entity)
            continue
        records.append(
            {
                "job_id": job.pk,
                "kind": entity.kind,
                "action": ImportRecord.Action.UPDATED,
                "object_ids": [entity.id],
                "row_numbers": [entity.first_row],
                "before": {
                    "fields": entity.before,
                    "emails_added": list(entity.emails_add),
                    "categories_added": sorted(categories[k] for k in entity.categories_add),
                },
            }
        )
    for kind, entities in new.items():
        records.append(
            {
                "job_id": job.pk,
                "kind": kind,
                "action": ImportRecord.Action.CREATED,
                "object_ids": [e.id for e in entities],
                "row_numbers": [e.first_row for e in entities],
                "before": {},
            }
        )
    copy_insert(ImportRecord, records)


def _timeline(job: ImportJob, contacts: list[Entity], who: dict) -> None:
    record_on_contacts(
        [e.id for e in contacts],
        verb="imports.imported",
        data={"file": job.file_name, "job": job.pk},
        **who,
    )
