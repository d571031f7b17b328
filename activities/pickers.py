"""The pickers on the activity forms («Ny avtale», «Ny oppgave», «Nytt prosjekt»): the
contacts, the company and the users, built on the one picker in :mod:`crm.picker`."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from companies.selectors import company_search
from crm import picker as pickers
from crm import user_picker
from crm.picker import Picker

from . import selectors

CONTACTS, COMPANY = "contacts", "company"
FIND_PERSON = _("Find a person (type part of the name)")
FIND_COMPANY = _("Find a company (type part of the name)")
NO_ONE = _("No one found.")
NO_COMPANY = _("No company found.")
# The user fields of the activity forms with a picker (the user picker: crm/user_picker.py).
PARTICIPANTS, ASSIGNEE = user_picker.PARTICIPANTS, user_picker.ASSIGNEE
USER_FIELDS = {name: user_picker.USER_FIELDS[name] for name in (PARTICIPANTS, ASSIGNEE)}


def contact_results(term: str) -> list:
    return selectors.contact_pick_search(term=term)


def company_results(term: str) -> list:
    return list(company_search(term=term, limit=15)) if len(term.strip()) >= 2 else []


def posted(request):
    """The posted form data, chips marked «Fjern» dropped (no JavaScript); None for a
    GET or an empty post, so the form starts from its initial values."""
    if request.method != "POST" or not request.POST:
        return None
    return pickers.unpicked_removed(
        request.POST, CONTACTS, COMPANY, *USER_FIELDS, single=(COMPANY, ASSIGNEE)
    )


saving = pickers.saving


def _searched(form, picker: Picker, results) -> None:
    if form.is_bound and pickers.searching(form.data) == picker.name:
        picker.term = pickers.term(form.data, picker)
        picker.results = results(picker.term)


def contact_picker(form, *, label=None) -> Picker:
    if form.is_bound:
        chosen = selectors.contacts_in_order(pickers.chosen_ids(form.data, CONTACTS))
    else:
        chosen = list(form.initial.get(CONTACTS) or [])
    picker = Picker(
        name=CONTACTS,
        label=label or _("Contacts"),
        search_label=FIND_PERSON,
        search_url=reverse("activities:pick_contacts"),
        query_name="contact_q",
        chosen=chosen,
        none_found=NO_ONE,
        errors=list(form.errors.get(CONTACTS, [])) if form.is_bound else [],
    )
    _searched(form, picker, contact_results)
    return picker


def company_picker(form) -> Picker:
    if form.is_bound:
        chosen = selectors.companies_in_order(pickers.chosen_ids(form.data, COMPANY)[-1:])
    else:
        company = form.initial.get(COMPANY)
        chosen = [company] if company else []
    picker = Picker(
        name=COMPANY,
        label=_("Company"),
        search_label=FIND_COMPANY,
        search_url=reverse("activities:pick_company"),
        query_name="company_q",
        chosen=chosen,
        multiple=False,
        none_found=NO_COMPANY,
        errors=list(form.errors.get(COMPANY, [])) if form.is_bound else [],
    )
    _searched(form, picker, company_results)
    return picker


def activity_form_context(form, **extra) -> dict:
    """The context of the appointment and task forms (activities/activity_form.html): the
    form and its three pickers."""
    user_field = PARTICIPANTS if PARTICIPANTS in form.fields else ASSIGNEE
    return {
        "form": form,
        "user_picker": user_picker.user_picker(form, user_field),
        "contact_picker": contact_picker(form),
        "company_picker": company_picker(form),
        **extra,
    }
