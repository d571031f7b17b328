"""Merging two contacts or two companies, undoing a merge, and dismissing a pair.

Which rows move: every relation Django knows to the merged model (its reverse
relations, hidden ones included): each foreign key and each many-to-many table pointing
at a contact or a company, in whatever app, moves from the loser to the survivor — so a
feature added later (an import's rows, a new tab) is carried without this module
learning its name. The only exceptions are tables that do not hold links but copies
(pghistory's event snapshots, ``on_delete=DO_NOTHING``). Where the survivor already has
the same row (a unique constraint refuses the move), the row is removed and kept in the
merge record, except a company link: the loser's link is ended instead and kept as a
former one. History entries naming the loser as their target are pointed at the
survivor. Every id is recorded, so undo moves back exactly what moved.
"""

import datetime
import json

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Company, CompanyLink
from contacts.models import Contact, ContactEmail, RetiredCustomerNumber
from crm.signals import UPDATED, rows_written
from history.models import Entry
from history.services import history_record

from .models import KIND_COMPANY, KIND_CONTACT, CandidatePair, DismissedPair, Merge

UNDO_DAYS = 30
MODELS = {KIND_CONTACT: Contact, KIND_COMPANY: Company}
# The fields a user chooses between, side by side (the rest are the survivor's).
CHOOSABLE = {
    KIND_CONTACT: [
        "first_name",
        "last_name",
        "mobile",
        "work_phone",
        "private_phone",
        "street_address",
        "postcode",
        "city",
        "country",
        "website",
        "owner",
        "notes",
        "customer_number",
    ],
    KIND_COMPANY: [
        "name",
        "org_number",
        "phone",
        "email",
        "website",
        "street_address",
        "postcode",
        "city",
        "country",
        "owner",
        "customer_number",
    ],
}
# A moved e-mail address goes after the survivor's own, so its primary stays primary.
EMAIL_POSITION_OFFSET = 100


def kind_of(obj) -> str:
    return KIND_CONTACT if isinstance(obj, Contact) else KIND_COMPANY


def _label(model) -> str:
    return model._meta.label


def _stored_fields(model):
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and not isinstance(f, models.GeneratedField)
    ]


def _row(obj) -> dict:
    """The row as JSON-safe values by column attribute (``owner_id``), pk included."""
    values = {"pk": obj.pk}
    for f in _stored_fields(type(obj)):
        value = f.value_from_object(obj) if not f.is_relation else getattr(obj, f.attname)
        values[f.attname] = value
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder, default=str))


def _from_row(model, row: dict):
    fields = {}
    for f in _stored_fields(model):
        if f.attname in row:
            value = row[f.attname]
            fields[f.attname] = value if f.is_relation or value is None else f.to_python(value)
    return model(pk=row["pk"], **fields)


def _snapshot(obj) -> dict:
    snapshot = {"row": _row(obj), "categories": list(obj.categories.values_list("pk", flat=True))}
    return snapshot


def _relations(model):
    """(model, field name, other side's field names) for each table that links to
    ``model``; the other side names what a unique constraint pairs it with. Hidden
    relations (``related_name="+"``) count too: a link nobody named is still a link."""
    for rel in model._meta.get_fields(include_hidden=True):
        if not rel.auto_created or rel.concrete:
            continue  # a field of the model itself, not a relation pointing at it
        if rel.many_to_many:
            through = rel.through
            if not through._meta.auto_created:
                continue  # an explicit through model is a foreign key of its own below
            yield through, rel.field.m2m_reverse_field_name(), rel.field.m2m_field_name()
        elif rel.one_to_many or rel.one_to_one:
            if rel.on_delete is models.DO_NOTHING:
                continue  # pghistory's snapshots: copies, not links
            if rel.related_model._meta.auto_created:
                continue  # a many-to-many table: above, or the model's own (categories)
            yield rel.related_model, rel.field.name, None


def _end_clashing_link(link: CompanyLink) -> datetime.date | None:
    """A loser's open link to a company the survivor is linked to already: kept as a
    former link (ended yesterday, or on its start date if that is later)."""
    before = link.end_date
    end = timezone.localdate() - datetime.timedelta(days=1)
    if link.start_date and link.start_date > end:
        end = link.start_date
    CompanyLink.objects.filter(pk=link.pk).update(end_date=end)
    return before


def _move_rows(model, field: str, loser, survivor, merge: Merge) -> None:
    rows = model.objects.filter(**{field: loser.pk})
    ids = list(rows.values_list("pk", flat=True))
    if not ids:
        return
    key = f"{_label(model)}:{field}"
    try:
        with transaction.atomic():
            model.objects.filter(pk__in=ids).update(**{field: survivor.pk})
        merge.moved[key] = ids
        rows_written(model, ids, UPDATED)
        return
    except IntegrityError:
        pass
    # Some rows clash with the survivor's own: one at a time.
    moved = []
    for row in model.objects.filter(pk__in=ids):
        try:
            with transaction.atomic():
                model.objects.filter(pk=row.pk).update(**{field: survivor.pk})
            moved.append(row.pk)
            continue
        except IntegrityError:
            pass
        if model is CompanyLink:
            merge.ended[str(row.pk)] = _end_clashing_link(row)
            model.objects.filter(pk=row.pk).update(**{field: survivor.pk})
            moved.append(row.pk)
        else:
            merge.removed.append({"model": _label(model), "row": _row(row)})
            model.objects.filter(pk=row.pk).delete()
    merge.moved[key] = moved
    rows_written(model, moved, UPDATED)


def _retarget_history(model, loser, survivor, merge: Merge) -> None:
    content_type = ContentType.objects.get_for_model(model)
    entries = Entry.objects.filter(target_type=content_type, target_id=str(loser.pk))
    ids = list(entries.values_list("pk", flat=True))
    if ids:
        Entry.objects.filter(pk__in=ids).update(target_id=str(survivor.pk))
        merge.moved["history.Entry:target_id"] = ids


def _name(obj) -> str:
    return obj.full_name if isinstance(obj, Contact) else obj.name


@transaction.atomic
def records_merge(*, survivor, loser, take_from_loser: list[str], actor) -> Merge:
    """Merge ``loser`` into ``survivor`` (two contacts or two companies): the fields named
    in ``take_from_loser`` take the loser's value, every link moves to the survivor, the
    categories are joined, and the loser is deleted. When both have a customer number,
    the one not kept is retired for good."""
    model = type(survivor)
    kind = kind_of(survivor)
    if type(loser) is not model or survivor.pk == loser.pk:
        raise ValidationError(_("Choose two different records of the same kind."), code="pair")
    unknown = set(take_from_loser) - set(CHOOSABLE[kind])
    if unknown:
        raise ValidationError(_("Unknown field."), code="field")
    # Lock both, lowest id first, so two merges of the same pair queue rather than deadlock.
    rows = model.objects.select_for_update().filter(pk__in=[survivor.pk, loser.pk]).order_by("pk")
    locked = {row.pk: row for row in rows}
    if len(locked) != 2:
        raise ValidationError(_("One of the records no longer exists."), code="gone")
    survivor, loser = locked[survivor.pk], locked[loser.pk]
    merge = Merge(
        kind=kind,
        survivor_id=survivor.pk,
        loser_id=loser.pk,
        loser_name=_name(loser)[:250],
        merged_by=actor,
        survivor_before=_snapshot(survivor),
        loser_snapshot=_snapshot(loser),
    )
    if model is Contact:
        ContactEmail.objects.filter(contact=loser).update(
            position=models.F("position") + EMAIL_POSITION_OFFSET
        )
    for related, field, _other in _relations(model):
        _move_rows(related, field, loser, survivor, merge)
    _retarget_history(model, loser, survivor, merge)
    survivor_categories = set(survivor.categories.values_list("pk", flat=True))
    added = [pk for pk in merge.loser_snapshot["categories"] if pk not in survivor_categories]
    merge.categories_added = added

    # The survivor's new values; the customer number is settled after the loser is gone
    # (it is unique, and the loser still holds its own).
    numbers = (survivor.customer_number, loser.customer_number)
    for name in take_from_loser:
        if name != "customer_number":
            setattr(survivor, _attname(model, name), getattr(loser, _attname(model, name)))
    if model is Contact and loser.email_locked:
        # «Sperr tilgang» follows the loser's mail: locked mail never becomes readable.
        survivor.email_locked = True
    keep_loser_number = "customer_number" in take_from_loser or numbers[0] is None
    if numbers[0] is not None and numbers[1] is not None:
        merge.retired_number = numbers[0] if keep_loser_number else numbers[1]
    new_number = numbers[1] if keep_loser_number and numbers[1] is not None else numbers[0]
    # Unique values the survivor takes over (an org.nr) must leave the loser first.
    model.objects.filter(pk=loser.pk).delete()
    survivor.customer_number = new_number
    survivor.full_clean()
    survivor.save()
    # What the merge changed on the survivor: undo puts back those values still as the
    # merge left them (a later edit of the same field is kept).
    after = _row(survivor)
    merge.survivor_before["changed"] = [
        name
        for name, value in merge.survivor_before["row"].items()
        if name not in ("pk", "updated_at") and after.get(name) != value
    ]
    merge.survivor_before["after"] = {
        name: after[name] for name in merge.survivor_before["changed"]
    }
    if added:
        survivor.categories.add(*added)
    if merge.retired_number is not None:
        RetiredCustomerNumber.objects.create(
            number=merge.retired_number,
            reason=_("Merged into %(name)s") % {"name": _name(survivor)},
        )
    merge.save()
    # The loser's pairs on the administrators' list are answered (found anew nightly).
    CandidatePair.objects.filter(
        models.Q(first_id=loser.pk) | models.Q(second_id=loser.pk), kind=kind
    ).delete()
    history_record(
        **{kind: survivor},
        verb="duplicates.merged",
        actor=actor,
        data={"name": merge.loser_name, "merge": merge.pk},
        target=merge,
    )
    return merge


def _attname(model, name: str) -> str:
    return model._meta.get_field(name).attname


def merge_can_undo(merge: Merge) -> bool:
    return merge.undone_at is None and timezone.now() - merge.merged_at <= datetime.timedelta(
        days=UNDO_DAYS
    )


@transaction.atomic
def merge_undo(*, merge: Merge, actor):
    """Put both records back as they were before ``merge``, and move back exactly the
    rows that moved. Returns the restored loser."""
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if not merge_can_undo(merge):
        raise ValidationError(
            _(
                "This merge can no longer be undone (it is undone already or older than %(days)s days)."
            )
            % {"days": UNDO_DAYS},
            code="expired",
        )
    model = MODELS[merge.kind]
    survivor = model.objects.select_for_update().filter(pk=merge.survivor_id).first()
    if survivor is None:
        raise ValidationError(_("The merged record has been deleted since."), code="gone")
    try:
        with transaction.atomic():
            loser = _undo(merge, model, survivor)
    except IntegrityError:
        # Something took the loser's place since: its customer number, its org.nr.
        raise ValidationError(
            _("The merge cannot be undone: another record now has a value that was its."),
            code="taken",
        ) from None
    merge.undone_at = timezone.now()
    merge.save(update_fields=["undone_at"])
    for owner, name in ((survivor, merge.loser_name), (loser, _name(survivor))):
        history_record(
            **{merge.kind: owner}, verb="duplicates.undone", actor=actor, data={"name": name}
        )
    return loser


def _undo(merge: Merge, model, survivor):
    # The survivor's own values first: it may hold the loser's unique ones (customer
    # number, org.nr). Only what the merge changed, and only where no one has changed
    # it again since.
    before = _from_row(model, merge.survivor_before["row"])
    now = _row(survivor)
    after = merge.survivor_before.get("after", {})
    for name in merge.survivor_before.get("changed", []):
        if now.get(name) == after.get(name):
            setattr(survivor, name, getattr(before, name))
    survivor.save()
    if merge.retired_number is not None:
        RetiredCustomerNumber.objects.filter(number=merge.retired_number).delete()
    loser = _from_row(model, merge.loser_snapshot["row"])
    loser.save(force_insert=True)
    created_at = merge.loser_snapshot["row"].get("created_at")
    if created_at:
        model.objects.filter(pk=loser.pk).update(created_at=created_at)
    loser.categories.set(merge.loser_snapshot["categories"])
    if merge.categories_added:
        survivor.categories.remove(*merge.categories_added)
    for key, ids in merge.moved.items():
        label, field = key.split(":")
        related = _model(label)
        if related is Entry and field == "target_id":
            Entry.objects.filter(pk__in=ids).update(target_id=str(loser.pk))
        else:
            related.objects.filter(pk__in=ids).update(**{field: loser.pk})
            rows_written(related, ids, UPDATED)
    # Links ended because they clashed are opened again once they are the loser's again.
    for link_id, end_date in merge.ended.items():
        CompanyLink.objects.filter(pk=int(link_id)).update(end_date=end_date)
    for removed in merge.removed:
        try:
            with transaction.atomic():
                _from_row(_model(removed["model"]), removed["row"]).save(force_insert=True)
        except IntegrityError:
            pass  # what it linked to is gone since (a file deleted): nothing to restore
    if model is Contact:
        ContactEmail.objects.filter(contact=loser, position__gte=EMAIL_POSITION_OFFSET).update(
            position=models.F("position") - EMAIL_POSITION_OFFSET
        )
    return loser


def merges_forget(*, older_than_days: int = UNDO_DAYS) -> int:
    """Delete the merge records that can no longer be undone: their snapshot holds the
    merged-away record's data, kept no longer than undo needs it. Their number."""
    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    deleted, _by_model = Merge.objects.filter(merged_at__lt=cutoff).delete()
    return deleted


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)


@transaction.atomic
def pair_dismiss(*, kind: str, first_id: int, second_id: int, actor) -> DismissedPair:
    """«Ikke duplikat»: the pair is not shown again."""
    low, high = sorted((first_id, second_id))
    if low == high:
        raise ValidationError(_("Choose two different records of the same kind."), code="pair")
    pair, _created = DismissedPair.objects.get_or_create(
        kind=kind, first_id=low, second_id=high, defaults={"dismissed_by": actor}
    )
    CandidatePair.objects.filter(kind=kind, first_id=low, second_id=high).delete()
    return pair
