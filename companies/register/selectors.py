"""Reads for the register commands."""

from __future__ import annotations

import datetime

from django.db.models import F, Q
from django.utils import timezone

from companies.models import Company


def companies_due_for_register_check(*, older_than_days: int) -> list[int]:
    """Ids of the companies with an organisation number not checked in the register for
    ``older_than_days`` days (0: all), the longest unchecked first."""
    due = Company.objects.exclude(org_number="")
    if older_than_days > 0:
        cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
        due = due.filter(Q(register_checked_at__isnull=True) | Q(register_checked_at__lt=cutoff))
    ordered = due.order_by(F("register_checked_at").asc(nulls_first=True), "id")
    return list(ordered.values_list("id", flat=True))


def companies_by_ids(*, ids: list[int]) -> list[Company]:
    return list(Company.objects.filter(pk__in=ids).order_by("id"))
