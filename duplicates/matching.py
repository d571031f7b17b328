"""The signals that make two records look like one (issue 18): the same e-mail, the same
phone however it was typed, the same org.nr, or a name similar by trigram similarity in
the same postcode. Each signal is one indexed query (the indexes: migration 0002 here,
``contact_email_lower_idx`` and ``company_orgnr_idx``); ``benchmarks/duplicates_bench.py``
times them on a million contacts.
"""

from dataclasses import dataclass, field

import phonenumbers
from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Q, Value
from django.db.models.functions import Concat, Lower
from django.utils.translation import gettext_lazy as _
from stdnum.no import orgnr

from companies.models import Company
from contacts.models import Contact, ContactEmail

# Names at least this similar (pg_trgm's similarity, 0–1) in the same postcode count:
# «Ola Nordmann» / «Ola Nordman» is 0.79, «Ola Nordmann» / «Ole Nordby» 0.33,
# «Ola Nordmann» / «Kari Nordmann» (another person of the family) 0.5.
NAME_SIMILARITY = 0.6
LIMIT = 10
REASON_EMAIL = _("same e-mail")
REASON_PHONE = _("same phone")
REASON_ORGNR = _("same organisation number")
REASON_NAME = _("similar name in the same postcode")
# For the administrators' list: how strongly each signal says «the same».
WEIGHTS = {"orgnr": 100, "email": 80, "phone": 60, "name": 40}
REASONS = {
    "email": REASON_EMAIL,
    "phone": REASON_PHONE,
    "orgnr": REASON_ORGNR,
    "name": REASON_NAME,
}


@dataclass
class Candidate:
    obj: object
    signals: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.obj.get_absolute_url()

    @property
    def label(self) -> str:
        return str(self.obj)

    @property
    def reasons(self) -> list:
        return [REASONS[s] for s in self.signals]


def phone_e164(value) -> str:
    """A phone as stored (E.164) from whatever was typed («412 34 567», «+47 41234567»,
    «0047-41234567») or a PhoneNumber; "" if it cannot be a phone number."""
    if not value:
        return ""
    # Possible rather than valid: a number stored before the rules knew its series
    # (or by an import) is still matched.
    try:
        parsed = phonenumbers.parse(str(value), "NO")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(parsed):
        return ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _add(found: dict, ids, signal: str) -> None:
    for pk in ids:
        signals = found.setdefault(pk, [])
        if signal not in signals:
            signals.append(signal)


def contact_ids_by_email(emails, *, exclude=None) -> list[int]:
    wanted = sorted({e.strip().lower() for e in emails if e and e.strip()})[:10]
    if not wanted:
        return []
    rows = ContactEmail.objects.annotate(address=Lower("email")).filter(address__in=wanted)
    if exclude:
        rows = rows.exclude(contact_id=exclude)
    return list(rows.values_list("contact_id", flat=True).distinct()[:LIMIT])


def contact_ids_by_phone(phones, *, exclude=None) -> list[int]:
    wanted = sorted({p for p in (phone_e164(v) for v in phones) if p})
    if not wanted:
        return []
    rows = Contact.objects.filter(
        Q(mobile__in=wanted) | Q(work_phone__in=wanted) | Q(private_phone__in=wanted)
    )
    if exclude:
        rows = rows.exclude(pk=exclude)
    return list(rows.values_list("pk", flat=True)[:LIMIT])


def contact_ids_by_name(first_name: str, last_name: str, postcode: str, *, exclude=None):
    name = f"{first_name or ''} {last_name or ''}".strip()
    postcode = (postcode or "").strip()
    if not name or not postcode:
        return []
    rows = (
        Contact.objects.filter(postcode=postcode)
        .annotate(
            similarity=TrigramSimilarity(Concat("first_name", Value(" "), "last_name"), name)
        )
        .filter(similarity__gte=NAME_SIMILARITY)
        .order_by("-similarity")
    )
    if exclude:
        rows = rows.exclude(pk=exclude)
    return list(rows.values_list("pk", flat=True)[:LIMIT])


def company_ids_by_orgnr(value, *, exclude=None) -> list[int]:
    number = orgnr.compact(value or "")
    if not number or not orgnr.is_valid(number):
        return []
    rows = Company.objects.filter(org_number=number)
    if exclude:
        rows = rows.exclude(pk=exclude)
    return list(rows.values_list("pk", flat=True)[:LIMIT])


def company_ids_by_email(value, *, exclude=None) -> list[int]:
    address = (value or "").strip().lower()
    if not address:
        return []
    rows = Company.objects.annotate(address=Lower("email")).filter(address=address)
    if exclude:
        rows = rows.exclude(pk=exclude)
    return list(rows.values_list("pk", flat=True)[:LIMIT])


def company_ids_by_phone(value, *, exclude=None) -> list[int]:
    number = phone_e164(value)
    if not number:
        return []
    rows = Company.objects.filter(phone=number)
    if exclude:
        rows = rows.exclude(pk=exclude)
    return list(rows.values_list("pk", flat=True)[:LIMIT])


def company_ids_by_name(name: str, postcode: str, *, exclude=None) -> list[int]:
    name, postcode = (name or "").strip(), (postcode or "").strip()
    if not name or not postcode:
        return []
    rows = (
        Company.objects.filter(postcode=postcode)
        .annotate(similarity=TrigramSimilarity("name", name))
        .filter(similarity__gte=NAME_SIMILARITY)
        .order_by("-similarity")
    )
    if exclude:
        rows = rows.exclude(pk=exclude)
    return list(rows.values_list("pk", flat=True)[:LIMIT])


def _candidates(model, found: dict) -> list[Candidate]:
    objects = model.objects.in_bulk(list(found)[:LIMIT])
    ranked = sorted(found.items(), key=lambda item: -sum(WEIGHTS[s] for s in item[1]))
    return [Candidate(objects[pk], signals) for pk, signals in ranked if pk in objects]


def contact_lookalikes(data: dict, *, exclude=None) -> list[Candidate]:
    """Contacts that look like ``data`` (a ContactForm's cleaned data, or part of it)."""
    found: dict[int, list[str]] = {}
    emails = data.get("emails") or []
    if isinstance(emails, str):
        emails = [emails]
    _add(found, contact_ids_by_email(emails, exclude=exclude), "email")
    phones = [data.get(name) for name in ("mobile", "work_phone", "private_phone")]
    _add(found, contact_ids_by_phone(phones, exclude=exclude), "phone")
    _add(
        found,
        contact_ids_by_name(
            data.get("first_name", ""),
            data.get("last_name", ""),
            data.get("postcode", ""),
            exclude=exclude,
        ),
        "name",
    )
    return _candidates(Contact, found)


def company_lookalikes(data: dict, *, exclude=None) -> list[Candidate]:
    """Companies that look like ``data`` (a CompanyForm's cleaned data, or part of it)."""
    found: dict[int, list[str]] = {}
    _add(found, company_ids_by_orgnr(data.get("org_number"), exclude=exclude), "orgnr")
    _add(found, company_ids_by_email(data.get("email"), exclude=exclude), "email")
    _add(found, company_ids_by_phone(data.get("phone"), exclude=exclude), "phone")
    _add(
        found,
        company_ids_by_name(data.get("name", ""), data.get("postcode", ""), exclude=exclude),
        "name",
    )
    return _candidates(Company, found)
