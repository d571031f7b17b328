"""«Sperr tilgang»: the firm's administrators lock a contact's e-mail so that only they
can read it, or open it again. The flag is the contact's (``contacts.services``); who may
set it and the timeline entry saying so are the mailbox's."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from contacts.models import Contact
from contacts.services import contact_set_email_locked
from crm.access import is_firm_admin
from history.services import history_record

# The timeline verbs of the lock (their wording is registered in apps.py).
LOCKED_VERB = "mailbox.locked"
UNLOCKED_VERB = "mailbox.unlocked"


@transaction.atomic
def contact_email_lock(*, contact: Contact, actor, locked: bool = True) -> Contact:
    if not is_firm_admin(actor):
        raise ValidationError(_("Only the firm's administrators can lock e-mail."))
    contact, changed = contact_set_email_locked(contact=contact, locked=locked)
    if changed:
        # Said once even when two administrators press at once: the second waited for
        # the first's row lock and found nothing left to change.
        history_record(
            contact=contact,
            verb=LOCKED_VERB if locked else UNLOCKED_VERB,
            actor=actor,
            data={},
        )
    return contact


def contact_email_unlock(*, contact: Contact, actor) -> Contact:
    return contact_email_lock(contact=contact, actor=actor, locked=False)
