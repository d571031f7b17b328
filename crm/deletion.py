"""What a delete takes with it, said before the user confirms."""

from django.contrib.admin.utils import NestedObjects
from django.db import router


def delete_consequences(obj) -> list[tuple[str, int]]:
    """(plural label, count) for each kind of row deleted along with ``obj``."""
    collector = NestedObjects(using=router.db_for_write(type(obj)))
    collector.collect([obj])
    return sorted(
        (str(model._meta.verbose_name_plural), len(rows))
        for model, rows in collector.model_objs.items()
        if model is not type(obj) and not model._meta.auto_created
    )
