"""The edit page a contact and a company share: the form with «Eier» on the user picker,
saved through the service, the service's refusal shown on the form."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from crm import user_picker
from crm.forms import apply_validation_error
from crm.picker import saving

OWNER = user_picker.OWNER


def posted(request):
    """The POST for a card form, with the owner picker's choice in it (None on GET)."""
    return user_picker.posted(request, OWNER)


def form_context(form, **extra) -> dict:
    keep = form.instance.owner_id if form.instance.pk else None
    return {"form": form, "owner_picker": user_picker.user_picker(form, OWNER, keep=keep), **extra}


def edit_page(request, form, *, save, template: str, **extra):
    """A card's «Edit»: on a valid POST ``save(cleaned_data)`` (the service), then back to
    the card; else the form, with what the form or the service refused."""
    if saving(form):
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(form.instance)
    return render(request, template, form_context(form, **extra))
