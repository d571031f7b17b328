"""The timelines of contacts (K6) and companies.

Every line of a contact's or a company's History tab is one :class:`Entry`. Other apps
write them with :func:`history.services.history_record`; changes to contacts, their
e-mail addresses, categories and company links, and to companies and their categories,
are captured by django-pghistory's triggers (the event models below) and turned into
entries by database triggers (``triggers.py``), so the tab is one indexed query whatever
wrote the row (a CRM page, Django admin, a command, raw SQL). Their sentences are in
``sentences.py``.
"""

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Company, CompanyLink
from contacts.models import Contact, ContactEmail
from crm.owners import exactly_one, owner_fk

from . import triggers


class Entry(models.Model):
    # On whose timeline: a contact's or a company's, never both (a link's event is one
    # entry on each, worded for each).
    contact = owner_fk(
        "contact",
        related_name="history_entries",
        db_index=False,  # covered by history_entry_timeline_idx
    )
    company = owner_fk(
        "company",
        related_name="history_entries",
        db_index=False,  # covered by history_company_timeline_idx
    )
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who did it when no user did: the management command's name, "admin", "system".
    actor_label = models.CharField(_("actor label"), max_length=100, blank=True)
    # "<app>.<event>", e.g. "contacts.changed"; its sentence is registered with ``history.verbs.register_verb``.
    verb = models.CharField(_("event"), max_length=60)
    data = models.JSONField(_("details"), default=dict, blank=True)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    # Private (a private note's entry): only ``private_to`` ever sees it. When that user
    # is deleted the entry stays, private to no one: kept, and shown to nobody.
    private = models.BooleanField(_("private"), default=False, db_default=False)
    private_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("private to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # E-mail content: hidden from non-administrators while the contact's e-mail is locked.
    mail = models.BooleanField(_("e-mail"), default=False)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history entries")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            exactly_one("contact", "company", name="history_entry_on_one_timeline"),
            # An entry private to someone is private; losing that someone keeps it so.
            models.CheckConstraint(
                condition=models.Q(private=True) | models.Q(private_to__isnull=True),
                name="history_entry_private_to_is_private",
            ),
        ]
        indexes = [
            models.Index(
                models.F("contact"),
                models.F("occurred_at").desc(),
                models.F("id").desc(),
                name="history_entry_timeline_idx",
            ),
            models.Index(
                models.F("company"),
                models.F("occurred_at").desc(),
                models.F("id").desc(),
                name="history_company_timeline_idx",
                condition=models.Q(company__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.verb} @ {self.occurred_at:%Y-%m-%d %H:%M}"


# --- capture: django-pghistory event tables ------------------------------------------
#
# Each tracked table gets a pghistory trigger that writes a snapshot row here (with the
# request's or command's context), whatever made the change: a CRM page, Django admin,
# a management command, a bulk update() or raw SQL. The triggers in ``triggers.py``
# then turn each snapshot into an Entry on the contact's or company's timeline.


def _bookkeeping(model) -> list[str]:
    """Timestamps and generated columns (sort keys, search helpers): not user data."""
    generated = [
        f.name for f in model._meta.concrete_fields if isinstance(f, models.GeneratedField)
    ]
    return sorted({"created_at", "updated_at", *generated})


ContactEvent = pghistory.create_event_model(
    Contact,
    pghistory.InsertEvent("created"),
    pghistory.UpdateEvent("changed"),
    # The e-mail lock is the mailbox's: its service records «Sperr tilgang» with its actor.
    # Captured here too, each lock was said twice.
    exclude=[*_bookkeeping(Contact), "email_locked"],
    model_name="ContactEvent",
    app_label="history",
    abstract=False,
)

ContactEmailEvent = pghistory.create_event_model(
    ContactEmail,
    pghistory.InsertEvent("added"),
    pghistory.UpdateEvent("changed"),
    pghistory.DeleteEvent("removed"),
    # Kept by the database from the contact's name: a rename is the contact's event.
    exclude=["contact_sort_key"],
    model_name="ContactEmailEvent",
    app_label="history",
    abstract=False,
)

ContactCategoryEvent = pghistory.create_event_model(
    Contact.categories.through,
    pghistory.InsertEvent("added"),
    pghistory.DeleteEvent("removed"),
    model_name="ContactCategoryEvent",
    app_label="history",
    abstract=False,
)

CompanyLinkEvent = pghistory.create_event_model(
    CompanyLink,
    pghistory.InsertEvent("linked"),
    pghistory.UpdateEvent("changed"),
    pghistory.DeleteEvent("unlinked"),
    exclude=_bookkeeping(CompanyLink),
    model_name="CompanyLinkEvent",
    app_label="history",
    abstract=False,
)

CompanyEvent = pghistory.create_event_model(
    Company,
    pghistory.InsertEvent("created"),
    pghistory.UpdateEvent("changed"),
    # When the company register was last asked changes on every check: what it said is
    # kept (a company gone bankrupt is news), not that it was asked.
    exclude=[*_bookkeeping(Company), "register_checked_at"],
    model_name="CompanyEvent",
    app_label="history",
    abstract=False,
)

CompanyCategoryEvent = pghistory.create_event_model(
    Company.categories.through,
    pghistory.InsertEvent("added"),
    pghistory.DeleteEvent("removed"),
    model_name="CompanyCategoryEvent",
    app_label="history",
    abstract=False,
)


# --- materialise: snapshots -> timeline entries (see triggers.py) ---------------------

pgtrigger.register(triggers.contact_trigger(ContactEvent._meta.db_table))(ContactEvent)
pgtrigger.register(triggers.contact_email_trigger(ContactEmailEvent._meta.db_table))(
    ContactEmailEvent
)
pgtrigger.register(triggers.contact_category_trigger(ContactCategoryEvent._meta.db_table))(
    ContactCategoryEvent
)
pgtrigger.register(triggers.company_link_trigger(CompanyLinkEvent._meta.db_table))(
    CompanyLinkEvent
)
pgtrigger.register(triggers.company_trigger(CompanyEvent._meta.db_table))(CompanyEvent)
pgtrigger.register(triggers.company_category_trigger(CompanyCategoryEvent._meta.db_table))(
    CompanyCategoryEvent
)
pgtrigger.register(triggers.contact_cleanup_trigger())(Contact)
pgtrigger.register(triggers.company_cleanup_trigger())(Company)
