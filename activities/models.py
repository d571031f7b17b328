"""Appointments, tasks, notes and projects (SPEC K3, K4, K5, A1, A2, A3).

Every status set lives here, once, as translatable ``TextChoices`` with the open ones
and the allowed transitions beside it. Who may read a note is decided in one place:
:meth:`NoteQuerySet.visible_to`.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import OuterRef, Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.owners import OWNERS, exactly_one, owner_fk
from crm.timestamps import TimeStampedModel


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class AppointmentStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")

    @classmethod
    def open_values(cls) -> list[str]:
        return [cls.PLANNED]


# status -> the statuses it may change to (besides staying as it is)
APPOINTMENT_TRANSITIONS = {
    AppointmentStatus.PLANNED: {AppointmentStatus.HELD, AppointmentStatus.CANCELLED},
    AppointmentStatus.HELD: {AppointmentStatus.PLANNED},
    AppointmentStatus.CANCELLED: {AppointmentStatus.PLANNED},
}


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")

    @classmethod
    def open_values(cls) -> list[str]:
        return [cls.NOT_STARTED, cls.IN_PROGRESS, cls.WAITING]


_TASK_OPEN = {TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.WAITING}
TASK_TRANSITIONS = {
    TaskStatus.NOT_STARTED: _TASK_OPEN | {TaskStatus.DONE, TaskStatus.CANCELLED},
    TaskStatus.IN_PROGRESS: _TASK_OPEN | {TaskStatus.DONE, TaskStatus.CANCELLED},
    TaskStatus.WAITING: _TASK_OPEN | {TaskStatus.DONE, TaskStatus.CANCELLED},
    # A finished task can be reopened, but a cancelled one is not "done" after the fact.
    TaskStatus.DONE: {TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS},
    TaskStatus.CANCELLED: {TaskStatus.NOT_STARTED},
}


class TaskPriority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")


class Project(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus, default=ProjectStatus.ACTIVE
    )
    participants = models.ManyToManyField(
        "contacts.Contact", verbose_name=_("participants"), blank=True, related_name="projects"
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name__regex=r"^\s*$"), name="project_name_not_blank"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("activities:project_detail", args=[self.pk])


class Appointment(TimeStampedModel):
    title = models.CharField(_("title"), max_length=200)
    start_at = models.DateTimeField(_("start"))
    end_at = models.DateTimeField(_("end"))
    all_day = models.BooleanField(_("all day"), default=False)
    location = models.CharField(_("location"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=AppointmentStatus, default=AppointmentStatus.PLANNED
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_appointments",
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participating users"),
        blank=True,
        related_name="appointments",
    )
    contacts = models.ManyToManyField(
        "contacts.Contact", verbose_name=_("contacts"), blank=True, related_name="appointments"
    )
    company = owner_fk("company", related_name="appointments", on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["-start_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_at__gt=models.F("start_at")),
                name="appointment_end_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
            models.CheckConstraint(
                condition=~Q(title__regex=r"^\s*$"), name="appointment_title_not_blank"
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "start_at"], name="appointment_owner_start_idx"),
            models.Index(fields=["start_at"], name="appointment_start_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in AppointmentStatus.open_values()

    def get_absolute_url(self):
        return reverse("activities:appointment_detail", args=[self.pk])


class Task(TimeStampedModel):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    due_time = models.TimeField(_("due time"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus, default=TaskStatus.NOT_STARTED
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=TaskPriority, default=TaskPriority.NORMAL
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tasks",
    )
    group = models.ForeignKey(
        Group,
        verbose_name=_("user group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    contacts = models.ManyToManyField(
        "contacts.Contact", verbose_name=_("contacts"), blank=True, related_name="tasks"
    )
    company = owner_fk("company", related_name="tasks", on_delete=models.SET_NULL)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_time__isnull=True) | Q(due_date__isnull=False),
                name="task_due_time_needs_date",
                violation_error_message=_("A due time needs a due date."),
            ),
            models.CheckConstraint(
                condition=~Q(title__regex=r"^\s*$"), name="task_title_not_blank"
            ),
        ]
        indexes = [
            models.Index(fields=["group", "due_date"], name="task_group_due_idx"),
            models.Index(fields=["assignee", "status"], name="task_assignee_status_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in TaskStatus.open_values()

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return self.is_open and self.due_date is not None and self.due_date < timezone.localdate()

    def get_absolute_url(self):
        return reverse("activities:task_update", args=[self.pk])


class NoteQuerySet(models.QuerySet):
    def visible_to(self, user):
        """THE privacy rule for notes: a private note is seen by its author alone; one
        whose author was deleted, by no one.

        Every read of notes (card, company page, project page, admin) goes through here.
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(Q(private=False) | Q(author=user))

    def for_contact(self, contact):
        """Notes on the card itself, on a company naming the person as a contact person,
        and on projects the person takes part in (:func:`_contact_routes`)."""
        contact_id = getattr(contact, "pk", contact)
        in_route = in_links = contact_id
        if isinstance(contact_id, OuterRef):
            # ``OuterRef("pk")``: the contact is the row of the query these notes are a
            # subquery of (a count on the card's own query). Each route's query stands one
            # level deeper, and its link rows two, so the reference reaches that far out.
            in_route, in_links = OuterRef(contact_id), OuterRef(OuterRef(contact_id))
        # The ids of each route's notes, as one UNION for ``pk IN``: PostgreSQL reads each
        # route on its own index and the few notes by key. An OR of the routes could use
        # no index and read every note (0.2 s on a million).
        parts = []
        for column, links, link_column, _path in _contact_routes():
            if links is None:
                part = Note.objects.filter(**{column: in_route}).values("pk")
            else:
                rows = links.objects.filter(contact_id=in_links).values(link_column)
                part = Note.objects.filter(**{f"{column}__in": rows}).values("pk")
            parts.append(part.order_by())
        return self.filter(pk__in=parts[0].union(*parts[1:], all=True))

    def contact_ids(self, *, distinct: bool = False):
        """The ids of the contacts these notes concern: :meth:`for_contact` read the
        other way, from notes to contacts (the search panel's note search).

        A UNION ALL of one subquery per route, for ``Contact.pk__in``: PostgreSQL joins
        the few contacts found to the matching notes rather than testing every contact.
        """
        parts = []
        for column, links, link_column, _path in _contact_routes():
            if links is None:
                part = self.filter(**{f"{column}__isnull": False}).values_list(column)
            else:
                notes = self.order_by().values(column)
                part = links.objects.filter(**{f"{link_column}__in": notes}).values_list(
                    "contact_id"
                )
            parts.append(part.order_by())
        return parts[0].union(*parts[1:], all=not distinct)

    def contact_ids_sql(self, *, distinct: bool = True) -> tuple[str, tuple]:
        """:meth:`contact_ids` as one SQL statement (text, parameters) that reads these
        notes once: a ``MATERIALIZED`` CTE of them, which each route's link table semi-joins.
        The UNION of :meth:`contact_ids` finds the notes again for each route, and for a
        note search that is one trigram index scan per route (three, 11 ms each for a rare
        phrase among a million notes). For the search's probes, which send their own SQL
        around it; raises ``EmptyResultSet``, as the ORM does, for ``none()``."""
        from django.db import connection

        quote = connection.ops.quote_name
        routes = _contact_routes()
        columns = list(
            dict.fromkeys(Note._meta.pk.attname if c == "pk" else c for c, *_ in routes)
        )
        sql, params = self.order_by().values(*columns).query.sql_with_params()
        names = ", ".join(quote(column) for column in columns)
        parts = []
        for column, links, link_column, _path in routes:
            column = quote(Note._meta.pk.attname if column == "pk" else column)
            if links is None:
                parts.append(f"SELECT n.{column} FROM notes n WHERE n.{column} IS NOT NULL")
            else:
                # A semi-join: each link row once, however many of the notes name it.
                table = quote(links._meta.db_table)
                parts.append(
                    f"SELECT l.{quote('contact_id')} FROM {table} l"
                    f" WHERE l.{quote(link_column)} IN (SELECT n.{column} FROM notes n)"
                )
        union = " UNION " if distinct else " UNION ALL "
        return f"WITH notes({names}) AS MATERIALIZED ({sql}) {union.join(parts)}", params

    def concerning(self, contact):
        """These notes that concern ``contact`` (an id or an ``OuterRef``), one queryset
        per route (:func:`_contact_routes`): for ``Exists`` tests that each probe their own
        index, where one query with an OR of the routes could use none."""
        return [self.filter(**{path: contact}) for _c, _l, _lc, path in _contact_routes()]

    def about_contacts(self, contact_ids):
        """(contact id, text, created) for each of ``contact_ids`` and each of these notes
        that concerns it, along the same routes, in one UNION ALL query (the search's hit
        list shows the matching note beside each contact)."""
        parts = [
            self.filter(**{f"{path}__in": contact_ids})
            .values_list(path, "text", "created_at")
            .order_by()
            for _column, _links, _link_column, path in _contact_routes()
        ]
        return parts[0].union(*parts[1:], all=True).order_by()


def _contact_routes():
    """THE rule for which notes concern a contact, read one way by
    :meth:`NoteQuerySet.for_contact` (the card's notes tab) and the other by
    :meth:`NoteQuerySet.contact_ids` (the search panel).

    Each route is (note column, link model, link column matching the note column, the
    lookup from a note to the contact); the link model is None where the note column holds
    the contact itself.
    """
    return (
        ("contact_id", None, None, "contact"),  # a note on the card
        # a chosen company contact person
        ("pk", Note.contact_persons.through, "note_id", "contact_persons"),
        # a project participant
        ("project_id", Project.participants.through, "project_id", "project__participants"),
    )


class Note(TimeStampedModel):
    """A note on a contact, on a company (with chosen contact persons) or on a project."""

    text = models.TextField(_("text"))
    # A note outlives its author: the notes of a user who is deleted stay with the
    # customer, by «Tidligere bruker». A private one stays private to no one (visible_to
    # matches no user), never public.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="notes",
    )
    private = models.BooleanField(
        _("private"), default=False, help_text=_("Only you will ever see a private note.")
    )
    contact = owner_fk("contact", related_name="card_notes")
    company = owner_fk("company", related_name="notes")
    contact_persons = models.ManyToManyField(
        "contacts.Contact",
        verbose_name=_("contact persons"),
        blank=True,
        related_name="company_notes",
    )
    project = owner_fk("project", related_name="notes")

    objects = NoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Exactly one home: a contact, a company or a project.
            exactly_one(
                *OWNERS,
                name="note_exactly_one_home",
                violation_error_message=_(
                    "A note belongs to exactly one contact, company or project."
                ),
            ),
            models.CheckConstraint(condition=~Q(text__regex=r"^\s*$"), name="note_text_not_blank"),
        ]
        indexes = [
            models.Index(fields=["contact", "-created_at"], name="note_contact_idx"),
            models.Index(fields=["author", "private"], name="note_author_private_idx"),
            # The search panel's note search: a trigram index on exactly the expression
            # its icontains/istartswith lookups emit (UPPER(text::text) LIKE …).
            GinIndex(OpClass(Upper("text"), name="gin_trgm_ops"), name="note_text_trgm"),
        ]

    def __str__(self):
        # Generic pages name a note by this (Django admin's log and the delete pages of
        # what it belongs to, a user's delete page): a private one never by its text.
        return str(_("Private note")) if self.private else self.text[:60]

    @property
    def home(self):
        return self.contact or self.company or self.project

    @property
    def was_edited(self) -> bool:
        return (self.updated_at - self.created_at).total_seconds() > 1
