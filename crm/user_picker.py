"""The user picker: a user chosen by searching for a name (the one picker, :mod:`crm.picker`),
for every user field of a form: the participants and the assignee of an activity, the
owner («Eier») of a contact or a company. The search answers at ``pick_users`` (crm/views.py).

Only active users with CRM access are offered or taken; a form may keep one more user
(``keep``: the owner a contact already has, who may have left since)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import picker as pickers
from .access import CRM_ACCESS
from .picker import Picker
from .users import display_name

FIND_USER = _("Find a user (type part of the name)")
NO_USER = _("No user found.")
# The user fields with a picker, and whether each takes several users.
PARTICIPANTS, ASSIGNEE, OWNER = "participants", "assignee", "owner"
USER_FIELDS = {PARTICIPANTS: True, ASSIGNEE: False, OWNER: False}


# --- reads -------------------------------------------------------------------------------


def crm_users(*, keep: int | None = None):
    """Users with CRM access (directly or through a group), active; with ``keep``, that
    user too, whoever it is (a form keeps the owner it already has)."""
    app_label, codename = CRM_ACCESS.split(".")
    perm = Q(
        user_permissions__codename=codename, user_permissions__content_type__app_label=app_label
    )
    group_perm = Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    )
    allowed = Q(is_active=True) & (perm | group_perm | Q(is_superuser=True))
    if keep:
        allowed |= Q(pk=keep)
    return (
        get_user_model()
        .objects.filter(allowed)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def user_pick_search(*, term: str, limit: int = 15) -> list:
    """Active users with CRM access whose name has every word of ``term`` (first name,
    last name or login name), for the user pickers; nothing for fewer than two letters."""
    if len(term.strip()) < 2:
        return []
    users = crm_users()
    for word in term.split():
        users = users.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
        )
    return list(users[:limit])


def users_chosen(ids: list[int], *, keep: int | None = None) -> list:
    """The users chosen in a picker who may still be chosen (active, CRM access, or
    ``keep``), by name (one query); anyone else is left out, as the form would refuse them."""
    if not ids:
        return []
    return list(crm_users(keep=keep).filter(pk__in=ids))


# --- the picker ----------------------------------------------------------------------------


@dataclass(frozen=True)
class UserChoice:
    """A user as a picker shows one: by full name (crm.users), not the login name."""

    pk: int
    name: str

    def __str__(self) -> str:
        return self.name


def named(users) -> list[UserChoice]:
    return [UserChoice(user.pk, display_name(user)) for user in users]


def user_results(term: str) -> list[UserChoice]:
    return named(user_pick_search(term=term))


def posted(request, *names: str):
    """The posted form data, chips of the user fields ``names`` marked «Fjern» dropped (no
    JavaScript); None for a GET or an empty post, so the form starts from its initial values."""
    if request.method != "POST" or not request.POST:
        return None
    single = tuple(name for name in names if not USER_FIELDS[name])
    return pickers.unpicked_removed(request.POST, *names, single=single)


def _initial_ids(value) -> list[int]:
    # A form's initial user is an object («Ny oppgave»: me) or an id (a ModelForm's instance).
    values = value if isinstance(value, list | tuple) else [value]
    return [getattr(v, "pk", v) for v in values if v]


def user_picker(form, name: str, *, keep: int | None = None) -> Picker:
    """The picker for the user field ``name`` (:data:`USER_FIELDS`) of ``form``; ``keep``
    is a user shown as chosen even if no longer offered (the owner a record already has)."""
    multiple = USER_FIELDS[name]
    if form.is_bound:
        ids = pickers.chosen_ids(form.data, name)
    else:
        ids = _initial_ids(form.get_initial_for_field(form.fields[name], name))
    picker = Picker(
        name=name,
        label=form.fields[name].label,
        search_label=FIND_USER,
        search_url=reverse("pick_users", args=[name]),
        query_name=f"{name}_q",
        chosen=named(users_chosen(ids if multiple else ids[-1:], keep=keep)),
        multiple=multiple,
        none_found=NO_USER,
        errors=list(form.errors.get(name, [])) if form.is_bound else [],
    )
    if form.is_bound and pickers.searching(form.data) == name:
        picker.term = pickers.term(form.data, picker)
        picker.results = user_results(picker.term)
    return picker
