"""The company register on «Ny kunde» and on a company's page: look a unit up by
organisation number or name, list a main unit's branches, and store what the register
says about a company («Oppdater fra Enhetsregisteret»)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from stdnum.no import orgnr

from companies.models import Company
from crm.access import crm_view
from crm.params import id_param, text_param

from .base import MAX_NAME, LookupState, RegisterError, RegisterUnit, get_register
from .base import valid_org_number as _valid
from .services import company_refresh_from_register


@dataclass(frozen=True)
class Hit:
    unit: RegisterUnit
    use_url: str  # «Ny kunde» with the unit's details filled in
    branches_url: str  # this page listing the unit's branches (main units)


def prefill(unit: RegisterUnit) -> dict[str, str]:
    """The new-company form's fields as the register has them (GET parameters)."""
    address = unit.address
    values = {
        "name": unit.name,
        "org_number": unit.org_number,
        "street_address": address.street,
        "postcode": address.postcode,
        "city": address.city,
        "website": unit.website,
    }
    return {key: value for key, value in values.items() if value}


def _search_url(company: Company | None, **params) -> str:
    if company is not None:
        params["company"] = company.pk
    return f"{reverse('companies:register_search')}?{urlencode(params)}"


def _hit(unit: RegisterUnit, company: Company | None) -> Hit:
    return Hit(
        unit=unit,
        use_url=f"{reverse('companies:create')}?{urlencode(prefill(unit))}",
        branches_url="" if unit.is_branch else _search_url(company, parent=unit.org_number),
    )


def _looks_like_number(term: str) -> bool:
    compact = orgnr.compact(term)
    return bool(compact) and compact.isascii() and compact.isdigit()


@require_GET
@vary_on_headers("HX-Request")
@crm_view
def register_search(request):
    """``?q=`` a name or an organisation number; ``?parent=`` a main unit's branches;
    ``?company=`` for a company's page (its «Bruk» stores the number on that company).
    htmx gets the list only; without JavaScript it is a whole page."""
    company = None
    if (pk := id_param(request.GET, "company")) is not None:
        company = get_object_or_404(Company, pk=pk)
    term = text_param(request.GET, "q", max_length=MAX_NAME)
    parent = _valid(text_param(request.GET, "parent", max_length=20))
    backend = get_register()
    context = {
        "term": term,
        "company": company,
        "configured": backend is not None,
        "hits": [],
        "parent_unit": None,
        "state": None,
        "error": "",
    }
    try:
        if backend is None:
            pass
        elif parent:
            result = backend.lookup(parent)
            context["parent_unit"] = result.unit
            context["state"] = None if result.found else result.state
            context["hits"] = [_hit(unit, company) for unit in backend.branches(parent)]
        elif _looks_like_number(term):
            number = _valid(term)
            if not number:
                context["error"] = _(
                    "«%(value)s» is not a valid Norwegian organisation number."
                ) % {"value": term}
            else:
                result = backend.lookup(number)
                context["state"] = result.state
                context["hits"] = [_hit(result.unit, company)] if result.unit else []
        elif term:
            context["hits"] = [_hit(unit, company) for unit in backend.search(term)]
    except RegisterError as error:
        context["error"] = str(error)
    context["number"] = orgnr.format(parent or _valid(term)) if (parent or _valid(term)) else ""
    if request.htmx:
        return render(request, "companies/partials/register_results.html", context)
    return render(request, "companies/register_search.html", context)


@require_POST
@crm_view
def register_refresh(request, pk: int):
    """«Oppdater fra Enhetsregisteret»; with ``org_number`` (a company without one, from
    the company page's search) the number is stored first."""
    company = get_object_or_404(Company, pk=pk)
    posted = text_param(request.POST, "org_number", max_length=20)
    number = _valid(posted)
    if posted and not number:
        messages.error(
            request,
            _("«%(value)s» is not a valid Norwegian organisation number.") % {"value": posted},
        )
        return redirect(company)
    try:
        result = company_refresh_from_register(company=company, org_number=number)
    except RegisterError as error:
        messages.error(request, str(error))
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.add_message(request, *_said(result.state, company))
    return redirect(company)


def _said(state: LookupState, company: Company) -> tuple[int, str]:
    number = orgnr.format(company.org_number)
    if state == LookupState.FOUND:
        return messages.SUCCESS, _("The company register's details were updated.")
    if state == LookupState.REMOVED:
        return messages.WARNING, _(
            "The company register has removed %(number)s from public view."
        ) % {"number": number}
    return messages.WARNING, _("The company register has no unit with number %(number)s.") % {
        "number": number
    }


def refresh_after_create(request, company: Company) -> None:
    """«Ny kunde» with an organisation number: fill in what the register says. The
    company is saved already; a register that cannot be asked only says so."""
    if not company.org_number or get_register() is None:
        return
    try:
        result = company_refresh_from_register(company=company)
    except (RegisterError, ValidationError) as error:
        reason = " ".join(getattr(error, "messages", [str(error)]))
        messages.warning(request, reason)
    else:
        if not result.found:
            messages.add_message(request, *_said(result.state, company))


def register_context() -> dict:
    """What the company page needs to offer the register."""
    return {"register_configured": get_register() is not None}
