"""Appointments: «Ny avtale», the appointment page, edit, delete and its .ics file."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from companies.models import Company
from contacts.models import Contact
from crm.access import crm_view
from crm.deletion import confirm_page
from crm.next_url import next_url
from crm.params import id_param

from .. import calendar, pickers, selectors, services
from ..forms import AppointmentForm
from ..models import Appointment, AppointmentStatus
from .editing import activity_form_page


@require_http_methods(["GET", "POST"])
@crm_view
def appointment_create(request):
    """«Ny avtale». ?contact=ID links a contact; ?start=YYYY-MM-DDTHH:MM sets the time."""
    initial = {"participants": [request.user], "status": AppointmentStatus.PLANNED}
    if (contact_id := id_param(request.GET, "contact")) is not None:
        contact = get_object_or_404(Contact, pk=contact_id)
        initial["contacts"] = [contact]
        default_next = reverse("contacts:tab", args=[contact.pk, "appointments"])
    else:
        default_next = reverse("activities:planner")
    if (company_id := id_param(request.GET, "company")) is not None:
        initial["company"] = get_object_or_404(Company, pk=company_id)
    start = _parse_start(request.GET.get("start", ""))
    end = start + dt.timedelta(hours=1)
    initial["start_date"] = start.date()
    # The end date only when it is another day (23:00–00:00): left empty it follows the
    # start date, so a user who picks another date keeps a one-hour appointment.
    initial["end_date"] = end.date() if end.date() != start.date() else None
    initial["start_time"] = start.time()
    initial["end_time"] = end.time()
    form = AppointmentForm(pickers.posted(request), initial=initial)
    return activity_form_page(
        request,
        form,
        save=lambda data: services.appointment_create(
            actor=request.user, owner=request.user, **data
        ),
        saved=_("The appointment was saved."),
        heading=_("New appointment"),
        default_next=default_next,
    )


def _parse_start(value: str) -> dt.datetime:
    try:
        start = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M")
    except ValueError:
        now = timezone.localtime()
        start = (now + dt.timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
        return start.replace(tzinfo=None)
    return start


@require_GET
@crm_view
def appointment_detail(request, pk: int):
    appointment = selectors.appointment_for_page(pk=pk)
    return render(request, "activities/appointment_detail.html", {"appointment": appointment})


@require_http_methods(["GET", "POST"])
@crm_view
def appointment_update(request, pk: int):
    appointment = selectors.appointment_for_page(pk=pk)
    form = AppointmentForm(
        pickers.posted(request), initial=AppointmentForm.initial_for(appointment)
    )
    default_next = appointment.get_absolute_url()
    return activity_form_page(
        request,
        form,
        save=lambda data: services.appointment_update(
            appointment=appointment, actor=request.user, **data
        ),
        saved=_("The changes were saved."),
        heading=_("Edit appointment"),
        default_next=default_next,
    )


@require_http_methods(["GET", "POST"])
@crm_view
def appointment_delete(request, pk: int):
    appointment = get_object_or_404(Appointment, pk=pk)
    default_next = reverse("activities:planner")
    if request.method == "POST":
        services.appointment_delete(appointment=appointment, actor=request.user)
        messages.success(request, _("%(name)s was deleted.") % {"name": appointment.title})
        return redirect(next_url(request, default_next))
    return confirm_page(
        request,
        question=_("Delete %(what)s «%(name)s»?")
        % {"what": _("the appointment"), "name": appointment},
        consequences=[],
        cancel_url=appointment.get_absolute_url(),
        next_url=next_url(request, default_next),
    )


@require_GET
@crm_view
def appointment_ics(request, pk: int):
    appointment = selectors.appointment_for_page(pk=pk)
    response = HttpResponse(
        calendar.appointment_ics(appointment, host=request.get_host()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="avtale-{appointment.pk}.ics"'
    return response
