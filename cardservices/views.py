from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from contacts.tabs import card_tabs
from crm.access import crm_view
from crm.forms import apply_validation_error

from . import selectors, services
from .forms import LookupForm, SmsForm
from .links import map_links, website_link
from .models import PHONE_FIELDS, SmsMessage
from .numbers import TYPE_LABELS, number_facts
from .sms import sms_ready
from .sms.segments import count_segments

PHONE_LABELS = {
    "mobile": gettext_lazy("Mobile"),
    "work_phone": gettext_lazy("Work phone"),
    "private_phone": gettext_lazy("Private phone"),
}


def _tab_url(contact) -> str:
    return reverse("contacts:tab", args=[contact.pk, "services"])


def phone_rows(contact) -> list[dict]:
    rows = []
    for field in PHONE_FIELDS:
        value = getattr(contact, field)
        if value:
            facts = number_facts(value)
            rows.append(
                {
                    "field": field,
                    "label": PHONE_LABELS[field],
                    "facts": facts,
                    "type_label": TYPE_LABELS.get(facts.number_type, ""),
                }
            )
    return rows


def services_tab_context(request, contact) -> dict:
    website_url, website_error = website_link(contact)
    return {
        "map_links": map_links(contact),
        "website_url": website_url,
        "website_error": website_error,
        "phone_rows": phone_rows(contact),
        "sms_list": selectors.sms_recent(contact=contact),
        "lookups": selectors.lookups_recent(contact=contact),
        "directory_on": bool(settings.PHONE_DIRECTORY_BACKEND),
        "type_labels": TYPE_LABELS,
    }


@require_http_methods(["GET", "POST"])
@crm_view
def sms_send(request, pk: int):
    contact = selectors.contact_for_services(pk=pk)
    form = SmsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.sms_send(
                contact=contact, text=form.cleaned_data["text"], user=request.user
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if message.status == SmsMessage.Status.SENT:
                messages.success(
                    request, _("The SMS to %(number)s was sent.") % {"number": contact.mobile}
                )
            elif message.status == SmsMessage.Status.CONSOLE:
                messages.warning(
                    request,
                    _(
                        "The SMS was not sent: SMS is not set up, so it was only written to "
                        "the log (development)."
                    ),
                )
            else:
                messages.error(
                    request,
                    _("The SMS could not be sent. %(error)s") % {"error": message.error},
                )
            return redirect(_tab_url(contact))
    text = form.data.get("text", "") if form.is_bound else ""
    mobile = number_facts(contact.mobile) if contact.mobile else None
    return render(
        request,
        "cardservices/sms_form.html",
        {
            "contact": contact,
            "form": form,
            "mobile": mobile,
            "count": count_segments(text),
            "sender": settings.SMS_SENDER,
            "max_segments": settings.SMS_MAX_SEGMENTS,
            "sms_ready": sms_ready(),
            "not_set_up": services.sms_not_set_up_message(),
        },
    )


@require_POST
@crm_view
def number_lookup(request, pk: int):
    contact = selectors.contact_for_services(pk=pk)
    form = LookupForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the contact's phone numbers."))
    else:
        try:
            services.number_lookup(
                contact=contact, field=form.cleaned_data["field"], user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    if request.htmx:
        context = {"contact": contact, **card_tabs.render_context(request, contact, "services")}
        return render(request, "contacts/contact_detail.html#tab-panel", context)
    return redirect(_tab_url(contact))
