"""The pickers on the activity forms («Ny avtale», «Ny oppgave», «Nytt prosjekt»): the
contacts, the company and the users, built on the one picker in :mod:`crm.picker`."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from companies.selectors import company_search
from crm import picker as pickers
from crm.picker import Picker
from crm.users import display_name

from . import selectors

CONTACTS, COMPANY = "contacts", "company"
FIND_PERSON = _("Find a person (type part of the name)")
FIND_COMPANY = _("Find a company (type part of the name)")
NO_ONE = _("No one found.")
NO_COMPANY = _("No company found.")
FIND_USER = _("Find a user (type part of the name)")
NO_USER = _("No user found.")
# The user fields with a picker, and whether each takes several users.
PARTICIPANTS, ASSIGNEE = "participants", "assignee"
USER_FIELDS = {PARTICIPANTS: True, ASSIGNEE: False}


@dataclass(frozen=True)
class UserChoice:
    """A user as a picker shows one: by full name (crm.users), not the login name."""

    pk: int
    name: str

    def __str__(self) -> str:
        return self.name


def _named(users) -> list[UserChoice]:
    return [UserChoice(user.pk, display_name(user)) for user in users]


def user_results(term: str) -> list[UserChoice]:
    return _named(selectors.user_pick_search(term=term))


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


def saving(form) -> bool:
    """A posted form to save: valid, and not a picker's search sent without JavaScript
    (that one is shown again as it was, without errors)."""
    if not form.is_bound:
        return False
    if pickers.searching(form.data):
        pickers.hush(form)
        return False
    return form.is_valid()


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


def _initial_ids(value) -> list[int]:
    # A form's initial user is an object («Ny oppgave»: me) or an id (a ModelForm's instance).
    values = value if isinstance(value, list | tuple) else [value]
    return [getattr(v, "pk", v) for v in values if v]


def user_picker(form, name: str) -> Picker:
    """The picker for the user field ``name`` (:data:`USER_FIELDS`) of ``form``."""
    multiple = USER_FIELDS[name]
    if form.is_bound:
        ids = pickers.chosen_ids(form.data, name)
    else:
        ids = _initial_ids(form.get_initial_for_field(form.fields[name], name))
    picker = Picker(
        name=name,
        label=form.fields[name].label,
        search_label=FIND_USER,
        search_url=reverse("activities:pick_users", args=[name]),
        query_name=f"{name}_q",
        chosen=_named(selectors.users_chosen(ids if multiple else ids[-1:])),
        multiple=multiple,
        none_found=NO_USER,
        errors=list(form.errors.get(name, [])) if form.is_bound else [],
    )
    _searched(form, picker, user_results)
    return picker
