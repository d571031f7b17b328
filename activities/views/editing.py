"""The page of the appointment and task forms, new or edited: on a valid POST the
service saves it and the user goes back where they came from (``next``); otherwise the
form again, with what the form or the service refused."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from crm.forms import apply_validation_error
from crm.next_url import next_url

from .. import pickers


def activity_form_page(
    request, form, *, save: Callable[[dict], object], saved: str, heading: str, default_next: str
):
    """``save(data)`` is the service call with the form's ``service_data()``; ``saved`` the
    message after it, ``heading`` the page's title."""
    if pickers.saving(form):
        try:
            save(form.service_data())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, saved)
            return redirect(next_url(request, default_next))
    return render(
        request,
        "activities/activity_form.html",
        pickers.activity_form_context(form, heading=heading, next=next_url(request, default_next)),
    )
