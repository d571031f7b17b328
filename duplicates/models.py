"""Duplicates (issue 18): pairs an administrator has said are not duplicates, and merges
kept for 30 days so that they can be undone."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

KIND_CONTACT = "contact"
KIND_COMPANY = "company"
KIND_CHOICES = [(KIND_CONTACT, _("contact")), (KIND_COMPANY, _("company"))]


class CandidatePair(models.Model):
    """A pair the signals say may be one record, found by ``find_duplicates`` (or the
    list's «Finn duplikater»): stored, because finding them on a million contacts takes
    tens of seconds, while the list must open at once. Lowest id first."""

    kind = models.CharField(_("kind"), max_length=10, choices=KIND_CHOICES)
    first_id = models.BigIntegerField()
    second_id = models.BigIntegerField()
    signals = ArrayField(models.CharField(max_length=10), default=list)
    score = models.PositiveIntegerField(default=0)
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "first_id", "second_id"], name="candidatepair_once"
            ),
        ]
        indexes = [
            models.Index(
                "kind",
                models.F("score").desc(),
                "first_id",
                "second_id",
                name="candidatepair_best_idx",
            ),
            # A merge deletes the loser's pairs: those where it is second, too.
            models.Index(fields=["kind", "second_id"], name="candidatepair_second_idx"),
        ]

    def __str__(self):
        return f"{self.kind} {self.first_id}/{self.second_id}"


class DismissedPair(models.Model):
    """«Ikke duplikat»: the pair never comes back on the list. Stored lowest id first."""

    kind = models.CharField(_("kind"), max_length=10, choices=KIND_CHOICES)
    first_id = models.BigIntegerField()
    second_id = models.BigIntegerField()
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    dismissed_at = models.DateTimeField(_("dismissed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dismissed pair")
        verbose_name_plural = _("dismissed pairs")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "first_id", "second_id"], name="dismissedpair_once"
            ),
            models.CheckConstraint(
                condition=Q(first_id__lt=F("second_id")), name="dismissedpair_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.first_id}/{self.second_id}"


class Merge(models.Model):
    """One merge: what the loser was, what the survivor was before, and exactly which rows
    moved (``moved``: {"app.Model:field": [ids]}), which were removed because the survivor
    already had the same (``removed``: rows as they were), and which links were ended
    (``ended``: {link id: its end date before}) — all that undo needs to put them back."""

    kind = models.CharField(_("kind"), max_length=10, choices=KIND_CHOICES)
    survivor_id = models.BigIntegerField(_("survivor"))
    loser_id = models.BigIntegerField(_("merged record"))
    loser_name = models.CharField(_("name"), max_length=250)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)
    survivor_before = models.JSONField(default=dict)
    loser_snapshot = models.JSONField(default=dict)
    moved = models.JSONField(default=dict)
    removed = models.JSONField(default=list)
    ended = models.JSONField(default=dict)
    categories_added = models.JSONField(default=list)
    retired_number = models.PositiveBigIntegerField(null=True, blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        indexes = [models.Index(fields=["kind", "survivor_id"], name="merge_survivor_idx")]

    def __str__(self):
        return f"{self.kind} {self.loser_id} → {self.survivor_id}"
