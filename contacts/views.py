from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from crm import lookalikes as lookalike_hook
from crm import user_picker
from crm.access import crm_view
from crm.deletion import delete_preview
from crm.forms import apply_validation_error
from crm.picker import saving
from crm.tabs import TAB_VARY_HEADERS, wants_panel_only

from . import selectors, services
from .forms import ContactForm
from .models import Contact
from .tabs import card_tabs

OWNER = user_picker.OWNER


def _form_context(form, **extra) -> dict:
    keep = form.instance.owner_id if form.instance.pk else None
    return {"form": form, "owner_picker": user_picker.user_picker(form, OWNER, keep=keep), **extra}


@require_http_methods(["GET", "POST"])
@crm_view
def contact_create(request):
    form = ContactForm(user_picker.posted(request, OWNER), initial={"owner": request.user})
    lookalikes = []
    if saving(form):
        data = dict(form.cleaned_data)
        # Records that look like this one are shown first, with «Lagre likevel».
        if not lookalike_hook.confirmed(request):
            lookalikes = lookalike_hook.lookalikes("contact", data)
        if not lookalikes:
            try:
                contact = services.contact_create(**data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The contact was saved."))
                return redirect(f"{contact.get_absolute_url()}?saved=1")
    context = _form_context(
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
        contact = selectors.contact_for_card(pk=pk)
    context = {
        "contact": contact,
        "just_saved": request.GET.get("saved") == "1",
        **card_tabs.render_context(request, contact, tab),
    }
    if panel_only:
        return render(request, "contacts/contact_detail.html#tab-panel", context)
    return render(request, "contacts/contact_detail.html", context)


@require_http_methods(["GET", "POST"])
@crm_view
def contact_update(request, pk: int):
    contact = selectors.contact_for_edit(pk=pk)
    form = ContactForm(user_picker.posted(request, OWNER), instance=contact)
    if saving(form):
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.contact_update(contact=contact, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(contact)
    return render(request, "contacts/contact_form.html", _form_context(form, contact=contact))


@require_http_methods(["GET", "POST"])
@crm_view
def contact_delete(request, pk: int):
    contact = get_object_or_404(Contact, pk=pk)
    consequences, blockers = delete_preview(contact, viewer=request.user)
    if request.method == "POST" and not blockers:
        name = contact.full_name
        try:
            services.contact_delete(contact=contact)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
            return redirect("contacts:delete", pk=contact.pk)
        messages.success(request, _("%(name)s was deleted.") % {"name": name})
        return redirect("home")
    return render(
        request,
        "contacts/contact_confirm_delete.html",
        {"contact": contact, "consequences": consequences, "blockers": blockers},
        status=409 if blockers and request.method == "POST" else 200,
    )


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
