"""Answers from the register's bulk download, loaded into ``OfflineRegisterUnit`` by
``manage.py load_company_register``: lookups work without the network. A unit the
download does not hold is «not found» (the download leaves out removed units)."""

from __future__ import annotations

from django.db.models import F
from django.db.models.functions import Upper

from .base import (
    MAX_NAME,
    SEARCH_LIMIT,
    Address,
    BaseRegister,
    LookupResult,
    LookupState,
    RegisterUnit,
    valid_org_number,
)

LINE_SEPARATOR = "\n"


def _model():
    from companies.models import OfflineRegisterUnit

    return OfflineRegisterUnit


def _address(row, prefix: str) -> Address:
    lines = getattr(row, f"{prefix}_lines")
    return Address(
        lines=tuple(line for line in lines.split(LINE_SEPARATOR) if line),
        postcode=getattr(row, f"{prefix}_postcode"),
        city=getattr(row, f"{prefix}_city"),
        country_code=getattr(row, f"{prefix}_country"),
    )


def unit_from_row(row) -> RegisterUnit:
    return RegisterUnit(
        org_number=row.org_number,
        name=row.name,
        is_branch=row.is_branch,
        parent_org_number=row.parent_org_number,
        organisation_form=row.organisation_form,
        organisation_form_text=row.organisation_form_text,
        industry_code=row.industry_code,
        industry_text=row.industry_text,
        postal_address=_address(row, "postal"),
        business_address=_address(row, "business"),
        website=row.website,
        mva_registered=row.mva_registered,
        bankrupt=row.bankrupt,
        under_liquidation=row.under_liquidation,
        deleted_on=row.deleted_on,
    )


def row_fields(unit: RegisterUnit) -> dict:
    """The columns of ``OfflineRegisterUnit`` for ``unit`` (the loader's upsert)."""
    fields = {
        "org_number": unit.org_number,
        "name": unit.name,
        "is_branch": unit.is_branch,
        "parent_org_number": unit.parent_org_number,
        "organisation_form": unit.organisation_form,
        "organisation_form_text": unit.organisation_form_text,
        "industry_code": unit.industry_code,
        "industry_text": unit.industry_text,
        "website": unit.website,
        "mva_registered": unit.mva_registered,
        "bankrupt": unit.bankrupt,
        "under_liquidation": unit.under_liquidation,
        "deleted_on": unit.deleted_on,
    }
    for prefix, address in (("postal", unit.postal_address), ("business", unit.business_address)):
        fields[f"{prefix}_lines"] = LINE_SEPARATOR.join(address.lines)[:400]
        fields[f"{prefix}_postcode"] = address.postcode
        fields[f"{prefix}_city"] = address.city
        fields[f"{prefix}_country"] = address.country_code
    return fields


class RegisterBackend(BaseRegister):
    def __init__(self, **kwargs):
        self.options = kwargs

    def lookup(self, org_number: str) -> LookupResult:
        org_number = valid_org_number(org_number)
        row = _model().objects.filter(pk=org_number).first() if org_number else None
        if row is None:
            return LookupResult(LookupState.NOT_FOUND, org_number)
        return LookupResult(LookupState.FOUND, org_number, unit_from_row(row))

    def search(self, name: str, *, limit: int = SEARCH_LIMIT) -> list[RegisterUnit]:
        name = name.strip()[:MAX_NAME].replace("\x00", "")
        if not name:
            return []
        rows = (
            _model()
            .objects.annotate(upper_name=Upper("name"))
            .filter(is_branch=False, upper_name__contains=name.upper())
            .order_by(F("deleted_on").asc(nulls_first=True), "name", "org_number")[:limit]
        )
        return [unit_from_row(row) for row in rows]

    def branches(self, org_number: str, *, limit: int = SEARCH_LIMIT) -> list[RegisterUnit]:
        org_number = valid_org_number(org_number)
        if not org_number:
            return []
        rows = (
            _model()
            .objects.filter(is_branch=True, parent_org_number=org_number)
            .order_by("name", "org_number")[:limit]
        )
        return [unit_from_row(row) for row in rows]
