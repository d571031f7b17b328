"""What a delete takes with it, or what stops it, said before the user confirms."""

from collections import Counter

from django.contrib.admin.utils import NestedObjects
from django.db import router


def delete_preview(obj) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(what goes with ``obj``, what blocks deleting it), each as (plural label, count).

    Blockers are rows that point at ``obj`` with on_delete=PROTECT, such as invoices:
    bookkeeping records that must be kept.
    """
    collector = NestedObjects(using=router.db_for_write(type(obj)))
    collector.collect([obj])
    consequences = sorted(
        (str(model._meta.verbose_name_plural), len(rows))
        for model, rows in collector.model_objs.items()
        if model is not type(obj) and not model._meta.auto_created
    )
    blocked = Counter(str(row._meta.verbose_name_plural) for row in collector.protected)
    return consequences, sorted(blocked.items())


def delete_consequences(obj) -> list[tuple[str, int]]:
    """Only what goes with ``obj``: for objects nothing protected points at."""
    return delete_preview(obj)[0]
