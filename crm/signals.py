"""The signal of the writes that Django's model signals do not hear.

``QuerySet.update()``, ``bulk_update()`` and COPY send no ``post_save``: an import's
thousands of rows, a merge moving notes and appointments to the survivor, undoing an
import, locking a contact's e-mail. The services that write that way call
:func:`rows_written` as well, so that an observer of saves (the webhooks, in the API app)
hears every change, as it hears the saves, without the services knowing of it.
"""

from collections.abc import Iterable

from django.dispatch import Signal

CREATED, UPDATED = "created", "updated"

# Sent with ``sender`` the model written (a many-to-many table or a contact's e-mail
# address included: a change in those is a change of their owner), ``pks`` the ids of
# its rows and ``kind`` "created" or "updated". Rows deleted go through ``delete()``,
# which sends Django's own signals.
bulk_written = Signal()


def rows_written(model, pks: Iterable[int], kind: str) -> None:
    """Tell the observers that ``model``'s rows ``pks`` were written in bulk (in the
    caller's transaction: they act after its commit, or not at all)."""
    pks = [pk for pk in pks if pk is not None]
    if pks:
        bulk_written.send(sender=model, pks=pks, kind=kind)
