"""Writing what the company register says onto a company."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Company, RegisterStatus

from .base import BaseRegister, LookupResult, LookupState, RegisterError, get_register

# The fields this module writes; nothing else of the company is touched by a refresh
# (its name and postal address stay as the user keeps them).
REGISTER_FIELDS = [
    "organisation_form",
    "organisation_form_text",
    "industry_code",
    "industry_text",
    "mva_registered",
    "bankrupt",
    "under_liquidation",
    "dissolved_on",
    "business_street_address",
    "business_postcode",
    "business_city",
    "register_parent_org_number",
    "register_status",
    "register_checked_at",
]


def _register(backend: BaseRegister | None) -> BaseRegister:
    backend = backend if backend is not None else get_register()
    if backend is None:
        raise RegisterError(_("No company register is configured."))
    return backend


@transaction.atomic
def company_apply_register(*, company: Company, result: LookupResult) -> Company:
    """Store the register's answer for the company's organisation number."""
    locked = Company.objects.select_for_update().get(pk=company.pk)
    if result.org_number != locked.org_number:
        raise ValidationError(
            _("The organisation number changed while the register was asked. Try again."),
            code="orgnr_changed",
        )
    unit = result.unit
    values: dict = {"register_checked_at": timezone.now()}
    if unit is not None:
        business = unit.business_address
        values |= {
            "organisation_form": unit.organisation_form,
            "organisation_form_text": unit.organisation_form_text,
            "industry_code": unit.industry_code,
            "industry_text": unit.industry_text,
            "mva_registered": unit.mva_registered,
            "bankrupt": unit.bankrupt,
            "under_liquidation": unit.under_liquidation,
            "dissolved_on": unit.deleted_on,
            "business_street_address": business.street[:400],
            "business_postcode": business.postcode[:10],
            "business_city": business.city[:100],
            "register_parent_org_number": unit.parent_org_number if unit.is_branch else "",
        }
    values["register_status"] = {
        LookupState.FOUND: RegisterStatus.FOUND,
        LookupState.NOT_FOUND: RegisterStatus.NOT_FOUND,
        LookupState.REMOVED: RegisterStatus.REMOVED,
    }[result.state]
    for name, value in values.items():
        setattr(locked, name, value)
        setattr(company, name, value)
    locked.full_clean(exclude=["name", "org_number", "phone", "email", "website"])
    locked.save(update_fields=[*values, "updated_at"])
    return locked


def company_refresh_from_register(
    *, company: Company, backend: BaseRegister | None = None, org_number: str = ""
) -> LookupResult:
    """Ask the register about the company's organisation number and store the answer.

    With ``org_number``, a company that has none gets that one first. The register is
    asked outside any transaction (it may take seconds); :class:`RegisterError` when it
    could not be asked, ``ValidationError`` when the company has no valid number."""
    if org_number and not company.org_number:
        company_set_org_number(company=company, org_number=org_number)
    if not company.org_number:
        raise ValidationError(
            _("The company has no organisation number to look up."), code="no_orgnr"
        )
    result = _register(backend).lookup(company.org_number)
    company_apply_register(company=company, result=result)
    return result


@transaction.atomic
def company_set_org_number(*, company: Company, org_number: str) -> Company:
    locked = Company.objects.select_for_update().get(pk=company.pk)
    if locked.org_number:
        raise ValidationError(
            _("The company already has an organisation number."), code="has_orgnr"
        )
    locked.org_number = org_number
    locked.full_clean()
    locked.save(update_fields=["org_number", "updated_at"])
    company.org_number = locked.org_number
    return locked
