from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from crm import lookalikes as lookalike_hook
from crm.access import crm_view, is_firm_admin
from crm.actions import actions
from crm.deletion import delete_with_preview
from crm.forms import apply_validation_error
from crm.params import text_param
from crm.picker import saving
from crm.tabs import TAB_VARY_HEADERS, wants_panel_only

from . import selectors, services
from .card_fields import card_field_annotations
from .editing import edit_page, form_context, posted
from .forms import ContactForm
from .models import Contact
from .postcodes import NORWAY, is_register_town, town_for
from .recently_viewed import record_view
from .tabs import card_tabs


@require_http_methods(["GET", "POST"])
@crm_view
def contact_create(request):
    form = ContactForm(
        posted(request),
        initial={"owner": request.user},
        may_set_customer_number=is_firm_admin(request.user),
    )
    lookalikes = []
    if saving(form):
        # Records that look like this one are shown first, with «Lagre likevel».
        if not lookalike_hook.confirmed(request):
            lookalikes = lookalike_hook.lookalikes("contact", dict(form.cleaned_data))
        if not lookalikes:
            try:
                contact = services.contact_create(**form.service_data())
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The contact was saved."))
                return redirect(f"{contact.get_absolute_url()}?saved=1")
    context = form_context(
        form,
        lookalikes=lookalikes,
        offer_save_anyway=bool(lookalikes),
        lookalike_check_url=lookalike_hook.check_url("contact"),
    )
    return render(request, "contacts/contact_form.html", context)


@require_GET
@vary_on_headers(*TAB_VARY_HEADERS)
@crm_view
def contact_detail(request, pk: int, tab: str | None = None):
    panel_only = wants_panel_only(request, tab)
    if panel_only:
        # Only the tab is sent: the card's left side (e-mails, categories) is not needed.
        contact = get_object_or_404(Contact, pk=pk)
    else:
        contact = selectors.contact_for_card(
            pk=pk,
            annotations={
                **card_tabs.count_annotations(request, pk),
                **card_field_annotations(request, pk),
            },
        )
    context = {
        "contact": contact,
        "just_saved": request.GET.get("saved") == "1",
        "card_actions": actions("contact_card"),
        "card_header": actions("contact_card_header"),
        "card_new": actions("contact_card_new"),
        **card_tabs.render_context(request, contact, tab),
    }
    if panel_only:
        return render(request, "contacts/contact_detail.html#tab-panel", context)
    record_view(user=request.user, obj=contact)
    return render(request, "contacts/contact_detail.html", context)


@require_http_methods(["GET", "POST"])
@crm_view
def contact_update(request, pk: int):
    contact = selectors.contact_for_edit(pk=pk)
    form = ContactForm(
        posted(request), instance=contact, may_set_customer_number=is_firm_admin(request.user)
    )
    return edit_page(
        request,
        form,
        save=lambda data: services.contact_update(contact=contact, **form.service_data()),
        template="contacts/contact_form.html",
        contact=contact,
    )


@require_http_methods(["GET", "POST"])
@crm_view
def contact_delete(request, pk: int):
    contact = get_object_or_404(Contact, pk=pk)
    return delete_with_preview(
        request,
        contact,
        delete=lambda: services.contact_delete(contact=contact),
        name=contact.full_name,
        title=_("Delete contact"),
        done="home",
    )


@require_GET
@crm_view
def post_town(request):
    """The post-town input, filled from Posten's register for the Norwegian postcode typed
    (the contact and company forms ask as one types: contacts/addresses.py). 204 leaves
    the input as it is: a foreign address, an unknown postcode, or a town typed by hand."""
    postcode = text_param(request.GET, "postcode", max_length=10)
    country = text_param(request.GET, "country", max_length=2) or NORWAY
    city = text_param(request.GET, "city", max_length=100)
    town = town_for(postcode) if country == NORWAY else None
    if town is None or town == city.upper() or (city and not is_register_town(city)):
        return HttpResponse(status=204)
    return render(request, "contacts/partials/post_town.html", {"town": town})


@require_POST
@crm_view
def contact_make_customer(request, pk: int):
    contact = get_object_or_404(Contact, pk=pk)
    had_number = contact.customer_number is not None
    contact = services.contact_make_customer(contact=contact)
    if not had_number:
        messages.success(
            request,
            _("%(name)s is now a private customer with customer number %(number)s.")
            % {"name": contact.full_name, "number": contact.customer_number},
        )
    if request.POST.get("saved") == "1":
        # Pressed on the just-saved card: keep its offer to link the person to a company.
        return redirect(f"{contact.get_absolute_url()}?saved=1")
    return redirect(contact)
