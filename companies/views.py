from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from contacts.editing import edit_page, form_context, posted
from contacts.models import Contact
from contacts.recently_viewed import record_view
from contacts.selectors import contact_search_by_last_name, contacts_by_ids
from crm import lookalikes as lookalike_hook
from crm import picker as pickers
from crm.access import crm_view, is_firm_admin
from crm.deletion import confirm_page, delete_with_preview
from crm.forms import apply_validation_error
from crm.params import id_param, text_param
from crm.picker import Picker
from crm.tabs import TAB_VARY_HEADERS, wants_panel_only
from crm.templatetags.crm import http_url

from . import selectors, services
from .forms import CompanyForm, CompanyLinkForm, PickCompanyForm, PickContactForm
from .models import Company, CompanyLink
from .register.views import refresh_after_create, register_context
from .tabs import company_tabs


def _contact_tab_url(contact_id: int) -> str:
    return reverse("contacts:tab", args=[contact_id, "companies"])


@require_http_methods(["GET", "POST"])
@crm_view
def company_create(request):
    """«Ny kunde». With ?link_contact=ID it is the step of linking that person to it."""
    link_contact = None
    if (contact_id := id_param(request.GET, "link_contact")) is not None:
        link_contact = get_object_or_404(Contact, pk=contact_id)
    form = CompanyForm(
        posted(request),
        initial={"owner": request.user, **_prefilled(request.GET)},
        may_set_customer_number=is_firm_admin(request.user),
    )
    saving = pickers.saving(form)
    lookalikes = []
    if form.is_bound and hasattr(form, "cleaned_data") and not lookalike_hook.confirmed(request):
        # Companies that look like this one are shown first (with «Lagre likevel» when
        # it could be saved; an org.nr already taken cannot).
        lookalikes = lookalike_hook.lookalikes("company", form.cleaned_data)
    if saving and not lookalikes:
        try:
            company = services.company_create(**form.service_data())
            link = (
                services.company_link_contact(contact=link_contact, company=company)
                if link_contact
                else None
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, _("The company %(name)s was saved.") % {"name": company.name}
            )
            refresh_after_create(request, company)
            if link:
                return redirect("companies:link_update", pk=link.pk)
            return redirect(company)
    context = form_context(
        form,
        link_contact=link_contact,
        lookalikes=lookalikes,
        offer_save_anyway=saving and bool(lookalikes),
        lookalike_check_url=lookalike_hook.check_url("company"),
        **register_context(),
    )
    return render(request, "companies/company_form.html", context)


# «Ny kunde» filled in from the query string: «Bruk» on a company register hit, or the
# name typed in «Velg bedrift».
PREFILLED = {"name": 200, "org_number": 20, "street_address": 200, "postcode": 10, "city": 100}
PREFILLED_URL = 300


def _prefilled(data) -> dict:
    values = {name: text_param(data, name, max_length=n) for name, n in PREFILLED.items()}
    values["website"] = http_url(text_param(data, "website", max_length=PREFILLED_URL))
    return {name: value for name, value in values.items() if value}


@require_GET
@vary_on_headers(*TAB_VARY_HEADERS)
@crm_view
def company_detail(request, pk: int, tab: str | None = None):
    company = selectors.company_for_page(pk=pk)
    context = {
        "company": company,
        **register_context(),
        **company_tabs.render_context(request, company, tab),
    }
    if wants_panel_only(request, tab):
        return render(request, "companies/company_detail.html#tab-panel", context)
    record_view(user=request.user, obj=company)
    return render(request, "companies/company_detail.html", context)


@require_http_methods(["GET", "POST"])
@crm_view
def company_update(request, pk: int):
    company = selectors.company_for_page(pk=pk)
    form = CompanyForm(
        posted(request), instance=company, may_set_customer_number=is_firm_admin(request.user)
    )
    return edit_page(
        request,
        form,
        save=lambda data: services.company_update(company=company, **form.service_data()),
        template="companies/company_form.html",
        company=company,
        **register_context(),
    )


@require_http_methods(["GET", "POST"])
@crm_view
def company_delete(request, pk: int):
    company = get_object_or_404(Company, pk=pk)
    return delete_with_preview(
        request,
        company,
        delete=lambda: services.company_delete(company=company),
        name=company.name,
        title=_("Delete company"),
        kept=_("The people themselves are kept."),
        done="home",
    )


@require_POST
@crm_view
def company_make_customer(request, pk: int):
    company = get_object_or_404(Company, pk=pk)
    had_number = company.customer_number is not None
    company = services.company_make_customer(company=company)
    if not had_number:
        messages.success(
            request,
            _("%(name)s is now a customer with customer number %(number)s.")
            % {"name": company.name, "number": company.customer_number},
        )
    return redirect(company)


def _link_pick(
    request, *, picker: Picker, results, chosen, form_class, template: str, context: dict
):
    """«Velg bedrift» / «Koble person»: the one picker (crm/picker.py), single choice.
    Returns (the chosen object, None) once «Legg til» is pressed with a valid one, else
    (None, the page): the live search's results, a search sent without JavaScript, or
    the page again with what was wrong."""
    name = picker.name
    data = request.GET
    if request.method == "POST":
        data = pickers.unpicked_removed(request.POST, name, single=(name,))
    picker.term = text_param(data, picker.query_name, max_length=pickers.MAX_TERM)
    picker.results = results(picker.term)
    picker.chosen = chosen(pickers.chosen_ids(data, name)[-1:])
    error = None
    if request.method == "POST" and not pickers.searching(data):
        form = form_class(data)
        if form.is_valid():
            return form.cleaned_data[name], None
        error = " ".join(form.errors[name])
    context = {**context, "picker": picker, "error": error}
    if request.htmx and request.method == "GET":
        return None, pickers.render_options(
            request,
            name=name,
            multiple=False,
            results=picker.results,
            term=picker.term,
            none_found=picker.none_found,
            template=picker.options_template,
            **context,
        )
    return None, render(request, template, context, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@crm_view
def link_company_to_contact(request, contact_pk: int):
    """«Koble person mot bedrift» → «Velg bedrift»: search, pick a company, «Legg til»;
    then the link's position and details (link_update). «Ny kunde» is offered beside the
    results, with what was typed as the new company's name."""
    contact = get_object_or_404(Contact, pk=contact_pk)
    url = reverse("companies:link_company", args=[contact.pk])
    picker = Picker(
        name="company",
        label=_("Choose company"),
        search_label=_("Search for the company by name"),
        search_url=url,
        query_name="q",
        multiple=False,
        options_template="companies/partials/link_company_options.html",
    )
    company, page = _link_pick(
        request,
        picker=picker,
        results=lambda term: selectors.company_search(term=term),
        chosen=lambda ids: selectors.companies_by_ids(ids=ids),
        form_class=PickCompanyForm,
        template="companies/link_pick_company.html",
        context={"contact": contact},
    )
    if company is None:
        return page
    try:
        link = services.company_link_contact(contact=contact, company=company)
    except ValidationError as refusal:
        return _refused(
            request, "companies/link_pick_company.html", picker, refusal, contact=contact
        )
    messages.success(
        request,
        _("%(contact)s is linked to %(company)s. Enter the position and details.")
        % {"contact": contact.full_name, "company": company.name},
    )
    return redirect("companies:link_update", pk=link.pk)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@crm_view
def link_contact_to_company(request, pk: int):
    """«Koble person» from the company page: search people by last name, pick one, add."""
    company = get_object_or_404(Company, pk=pk)
    picker = Picker(
        name="contact",
        label=_("Choose a person"),
        search_label=_("Search by last name"),
        search_url=reverse("companies:link_contact", args=[company.pk]),
        query_name="q",
        multiple=False,
        none_found=_("No one found."),
    )
    contact, page = _link_pick(
        request,
        picker=picker,
        results=lambda term: contact_search_by_last_name(term=term),
        chosen=lambda ids: contacts_by_ids(ids=ids),
        form_class=PickContactForm,
        template="companies/link_pick_contact.html",
        context={"company": company},
    )
    if contact is None:
        return page
    try:
        link = services.company_link_contact(contact=contact, company=company)
    except ValidationError as refusal:
        return _refused(
            request, "companies/link_pick_contact.html", picker, refusal, company=company
        )
    messages.success(
        request,
        _("%(contact)s is linked to %(company)s. Enter the position and details.")
        % {"contact": contact.full_name, "company": company.name},
    )
    return redirect("companies:link_update", pk=link.pk)


def _refused(request, template: str, picker: Picker, refusal: ValidationError, **context):
    context = {**context, "picker": picker, "error": " ".join(refusal.messages)}
    return render(request, template, context, status=400)


@require_http_methods(["GET", "POST"])
@crm_view
def link_update(request, pk: int):
    link = get_object_or_404(CompanyLink.objects.select_related("contact", "company"), pk=pk)
    form = CompanyLinkForm(request.POST or None, instance=link)
    if request.method == "POST" and form.is_valid():
        try:
            services.company_link_update(link=link, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The link details were saved."))
            return redirect(_contact_tab_url(link.contact_id))
    return render(request, "companies/companylink_form.html", {"form": form, "link": link})


@require_http_methods(["GET", "POST"])
@crm_view
def link_delete(request, pk: int):
    link = get_object_or_404(CompanyLink.objects.select_related("contact", "company"), pk=pk)
    if request.method == "POST":
        services.company_link_delete(link=link)
        messages.success(
            request,
            _("The link between %(contact)s and %(company)s was removed.")
            % {"contact": link.contact.full_name, "company": link.company.name},
        )
        return redirect(_contact_tab_url(link.contact_id))
    return confirm_page(
        request,
        title=_("Remove link"),
        question=_("Remove the link between %(contact)s and %(company)s?")
        % {"contact": link.contact.full_name, "company": link.company.name},
        notes=[
            _(
                "The person and the company are both kept. To keep the link as a former "
                "employer instead, set an end date on it."
            )
        ],
        confirm=_("Yes, remove the link"),
        cancel=_("Set an end date instead"),
        cancel_url=reverse("companies:link_update", args=[link.pk]),
    )
