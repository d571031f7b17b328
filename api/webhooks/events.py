"""Where webhook events come from: Django's model signals, heard here in the API app.

Why signals and not a call in each service (``crm/events.py`` with ``emit()``): a
webhook's receiver wants to know of every change, whichever way it was made — a page, the
API, the admin, an import, a merge, a management command — and the services are many
(contacts alone has a dozen writes). Signals need no line in ``contacts``, ``companies``
or ``activities``, so those apps stay free of the API (tests/test_import_direction.py)
and cannot forget an event. This is an observer of saves, like the history capture, not
a domain side effect: it writes nothing in the transaction that made the change.

Writes that bypass the model signals (``QuerySet.update()``, ``bulk_update()``, COPY: an
import, a merge, undoing an import, an e-mail lock) send ``crm.signals.bulk_written``
instead, heard here the same way: a contact's e-mail address or a row of a many-to-many
table written is a change of its owner («contact.updated», «appointment.updated»).

The changes of one transaction are gathered and handed to the task backend once, after
the commit (``transaction.on_commit``): a contact created and then given its e-mail
addresses is one «contact.created», and a rolled-back transaction sends nothing. The
request pays one query (is anyone listening?) and one enqueue; the worker reads the
objects and writes the deliveries, so an import of thousands of rows does not wait for
them.
"""

from __future__ import annotations

import threading

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

CREATED, UPDATED, DELETED = "created", "updated", "deleted"

_local = threading.local()


class _Batch:
    """The changes of one transaction: (event name, pk) → kind, in order of arrival."""

    def __init__(self):
        self.changes: dict[tuple[str, int], str] = {}
        self.position = -1  # its callback's index in connection.run_on_commit

    def add(self, name: str, pk: int, kind: str) -> None:
        key = (name, pk)
        before = self.changes.get(key)
        if before is None:
            self.changes[key] = kind
        elif kind == DELETED:
            if before == CREATED:  # made and removed within one transaction: nothing
                del self.changes[key]
            else:
                self.changes[key] = DELETED
        # created + updated stays «created»; updated + updated stays «updated»

    def flush(self) -> None:
        if _local.__dict__.get("batch") is self:
            _local.batch = None
        if self.changes:
            from .services import changes_enqueue

            changes_enqueue(changes=[(n, pk, kind) for (n, pk), kind in self.changes.items()])


def _batch() -> _Batch:
    """This transaction's batch, starting a new one when the last was sent or its
    transaction (or the savepoint it began in) rolled back.

    A rollback removes the callbacks registered since its savepoint began, always the
    end of ``run_on_commit``: so the batch's callback is still at the place it was put
    exactly while the batch is alive, and one look there (not a walk of the list) says so.
    """
    connection = transaction.get_connection()
    batch = _local.__dict__.get("batch")
    pending = connection.run_on_commit
    if batch is not None and not (
        batch.position < len(pending) and pending[batch.position][1] == batch.flush
    ):
        batch = None
    if batch is None:
        batch = _local.batch = _Batch()
        batch.position = len(pending)
        # robust: the change is committed whatever happens here; a failure to queue its
        # deliveries is logged, never the user's error page.
        transaction.on_commit(batch.flush, robust=True)
    return batch


def record(name: str, pk: int | None, kind: str) -> None:
    if pk is None:
        return
    if not transaction.get_connection().in_atomic_block:  # autocommit: already committed
        batch = _Batch()
        batch.add(name, pk, kind)
        transaction.on_commit(batch.flush, robust=True)  # runs at once
        return
    _batch().add(name, pk, kind)


def _saved(name):
    def receiver(sender, instance, created, raw=False, **kwargs):
        if not raw:
            record(name, instance.pk, CREATED if created else UPDATED)

    return receiver


def _deleted(name):
    def receiver(sender, instance, **kwargs):
        if getattr(instance, "private", False):  # a private note: not even its removal
            return
        record(name, instance.pk, DELETED)

    return receiver


def _touches(name, field: str):
    """A change in a related row (a contact's e-mail address) updates its owner."""

    def receiver(sender, instance, raw=False, **kwargs):
        if not raw:
            record(name, getattr(instance, field), UPDATED)

    return receiver


def _m2m(name, model):
    def receiver(sender, instance, action, reverse, pk_set, **kwargs):
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        if not reverse:
            record(name, instance.pk, UPDATED)
        elif pk_set:
            for pk in pk_set:
                record(name, pk, UPDATED)

    return receiver


def _bulk(named, owners):
    """``crm.signals.bulk_written``: the rows of a model the webhooks speak of (``named``:
    model → event name), or of a table whose rows belong to one (``owners``: model →
    (event name, the owner's column)), read back to their owners in one query."""

    def receiver(sender, pks, kind, **kwargs):
        if sender in named:
            for pk in pks:
                record(named[sender], pk, kind)
            return
        if sender not in owners:
            return
        name, column = owners[sender]
        for pk in set(sender.objects.filter(pk__in=pks).values_list(column, flat=True)):
            record(name, pk, UPDATED)

    return receiver


_receivers: list = []  # signals keep weak references: these must live


def connect() -> None:
    """Listen to the models the webhooks speak of (from ``ApiConfig.ready()``)."""
    from activities.models import Appointment, Note, Task
    from companies.models import Company
    from contacts.models import Contact, ContactEmail
    from crm.signals import bulk_written

    named = {}
    owners = {ContactEmail: ("contact", "contact_id")}
    for name, model in (
        ("contact", Contact),
        ("company", Company),
        ("note", Note),
        ("appointment", Appointment),
        ("task", Task),
    ):
        named[model] = name
        saved, deleted = _saved(name), _deleted(name)
        _receivers.extend([saved, deleted])
        post_save.connect(saved, sender=model, dispatch_uid=f"webhooks:{name}:saved")
        post_delete.connect(deleted, sender=model, dispatch_uid=f"webhooks:{name}:deleted")
    touched = _touches("contact", "contact_id")
    _receivers.append(touched)
    post_save.connect(touched, sender=ContactEmail, dispatch_uid="webhooks:email:saved")
    post_delete.connect(touched, sender=ContactEmail, dispatch_uid="webhooks:email:deleted")
    for name, model, field in (
        ("contact", Contact, "categories"),
        ("company", Company, "categories"),
        ("appointment", Appointment, "participants"),
        ("appointment", Appointment, "contacts"),
        ("task", Task, "contacts"),
    ):
        through = getattr(model, field).through
        owners[through] = (name, f"{model._meta.model_name}_id")
        receiver = _m2m(name, model)
        _receivers.append(receiver)
        m2m_changed.connect(receiver, sender=through, dispatch_uid=f"webhooks:{name}:{field}")
    bulk = _bulk(named, owners)
    _receivers.append(bulk)
    bulk_written.connect(bulk, dispatch_uid="webhooks:bulk")
