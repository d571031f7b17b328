"""The register's open API (https://data.brreg.no/enhetsregisteret/api, no key needed).

``GET {url}/enheter/{orgnr}`` and ``/underenheter/{orgnr}`` answer 200 with the unit, 404
for a number the register does not know and 410 Gone for a unit removed from public
view; ``/enheter?navn=…`` and ``/underenheter?overordnetEnhet=…`` answer pages of units
under ``_embedded``. Every call goes through the kernel's guarded client.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.conf import settings
from django.utils.translation import gettext as _

from crm.http_client import HttpCallError, call_json

from .base import (
    MAX_NAME,
    SEARCH_LIMIT,
    BaseRegister,
    LookupResult,
    LookupState,
    RegisterError,
    RegisterUnit,
    unit_from_json,
    valid_org_number,
)

# A page of 20 units with their links is some 40 kB; room for the register to grow.
MAX_ANSWER = 1_000_000


class RegisterBackend(BaseRegister):
    def __init__(self, *, url=None, timeout=None):
        url = url if url is not None else settings.COMPANY_REGISTER_URL
        self.url = url.rstrip("/")
        self.timeout = timeout if timeout is not None else settings.COMPANY_REGISTER_TIMEOUT

    def _get(self, path: str, query: dict | None = None) -> dict:
        if not self.url:
            raise RegisterError(
                _("No company register is configured (COMPANY_REGISTER_URL is empty).")
            )
        url = f"{self.url}/{path}" + (f"?{urlencode(query)}" if query else "")
        return call_json(url, timeout=self.timeout, max_bytes=MAX_ANSWER)

    def _unit(self, kind: str, org_number: str) -> LookupResult | None:
        """The unit at ``/{kind}/{orgnr}``; None when the register does not know it."""
        try:
            answer = self._get(f"{kind}/{quote(org_number)}")
        except HttpCallError as error:
            if error.status == 404:
                return None
            if error.status == 410:
                return LookupResult(LookupState.REMOVED, org_number)
            raise _asking_failed(error) from error
        unit = unit_from_json(answer, branch=kind == "underenheter")
        if unit is None:
            raise RegisterError(_("The company register gave an answer the CRM cannot read."))
        return LookupResult(LookupState.FOUND, org_number, unit)

    def lookup(self, org_number: str) -> LookupResult:
        org_number = valid_org_number(org_number)
        if not org_number:
            return LookupResult(LookupState.NOT_FOUND, org_number)
        return (
            self._unit("enheter", org_number)
            or self._unit("underenheter", org_number)
            or LookupResult(LookupState.NOT_FOUND, org_number)
        )

    def _page(self, kind: str, query: dict) -> list[RegisterUnit]:
        try:
            answer = self._get(kind, query)
        except HttpCallError as error:
            raise _asking_failed(error) from error
        embedded = answer.get("_embedded")
        found = embedded.get(kind) if isinstance(embedded, dict) else None
        if not isinstance(found, list):  # no hits: the register leaves «_embedded» out
            return []
        units = (unit_from_json(item, branch=kind == "underenheter") for item in found)
        return [unit for unit in units if unit is not None]

    def search(self, name: str, *, limit: int = SEARCH_LIMIT) -> list[RegisterUnit]:
        name = name.strip()[:MAX_NAME]
        if not name:
            return []
        return self._page("enheter", {"navn": name, "size": limit})[:limit]

    def branches(self, org_number: str, *, limit: int = SEARCH_LIMIT) -> list[RegisterUnit]:
        org_number = valid_org_number(org_number)
        if not org_number:
            return []
        return self._page("underenheter", {"overordnetEnhet": org_number, "size": limit})[:limit]


def _asking_failed(error: HttpCallError) -> RegisterError:
    return RegisterError(
        _("The company register could not be asked: %(error)s") % {"error": error}
    )
