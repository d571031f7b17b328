"""The database's side of an import plan: the contacts and companies that the file's
match keys name, and then their e-mail addresses, categories, people and open links,
each read in bulk (a few queries per kind of key, never one per row).
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast, Lower
from phonenumber_field.modelfields import PhoneNumberField

from companies.models import Company, CompanyLink
from contacts.models import Contact, ContactEmail, RetiredCustomerNumber

from .plan import UNSET, Entity
from .rows import sides

CONTACT_FIELDS = [
    "first_name",
    "last_name",
    "mobile",
    "work_phone",
    "private_phone",
    "street_address",
    "postcode",
    "city",
    "country",
    "website",
    "notes",
    "customer_number",
    "owner_id",
]
COMPANY_FIELDS = [
    "name",
    "org_number",
    "customer_number",
    "street_address",
    "postcode",
    "city",
    "country",
    "phone",
    "email",
    "website",
    "owner_id",
]
LINK_FIELDS = ["position", "work_phone", "email", "start_date", "end_date"]
# Keys one ``__in`` lookup names at most.
LOOKUP_CHUNK = 20_000
# How a phone column read as its stored text is named in ``values()``.
RAW_SUFFIX = "__raw"


def chunks(values):
    values = list(values)
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start : start + LOOKUP_CHUNK]


def values_of(queryset, fields, *extra):
    """``values()`` with phone columns as their stored text (E.164), not parsed objects:
    reading 10,000 contacts parsed 20,000 numbers again, a second and a half."""
    model = queryset.model
    raw = {}
    for name in fields:
        try:
            field = model._meta.get_field(name)
        except Exception:  # noqa: BLE001 - "owner_id" and lookups are no field names here
            continue
        if isinstance(field, PhoneNumberField):
            raw[f"{name}{RAW_SUFFIX}"] = Cast(name, TextField())
    plain = [f for f in fields if f"{f}{RAW_SUFFIX}" not in raw]
    for row in queryset.values(*plain, *extra, **raw):
        for key in raw:
            row[key.removesuffix(RAW_SUFFIX)] = row.pop(key) or ""
        yield row


def rows_by(model, fields, lookup, keys, key_of):
    found = {}
    for chunk in chunks(keys):
        for row in values_of(
            model.objects.filter(**{lookup: chunk}).order_by("id"), ["id", *fields]
        ):
            found.setdefault(key_of(row), row)
    return found


def number_holders(numbers: list[int]) -> list[tuple[int, str, int]]:
    """(number, "contact" or "company", id) for each of the customer numbers held."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT customer_number, 'contact', id FROM contacts_contact"
            " WHERE customer_number = ANY(%s) UNION ALL"
            " SELECT customer_number, 'company', id FROM companies_company"
            " WHERE customer_number = ANY(%s)",
            [numbers, numbers],
        )
        return cursor.fetchall()


class Existing:
    """The database's contacts and companies that the file's keys name, read in bulk."""

    def __init__(self, parsed, match_keys):
        contact_numbers, company_numbers, emails, orgs, names = set(), set(), set(), set(), set()
        company_emails, last_names = set(), set()
        for _number, values, _errors, _cells in parsed:
            person, firm = sides(values)
            if firm.get("customer_number"):
                company_numbers.add(firm["customer_number"])
            if person.get("customer_number"):
                contact_numbers.add(person["customer_number"])
            emails.update(e.lower() for e in person.get("emails", []))
            if firm.get("org_number"):
                orgs.add(firm["org_number"])
            if firm.get("name"):
                names.add(firm["name"].lower())
            if firm.get("email"):
                company_emails.add(firm["email"].lower())
            if person.get("last_name"):
                last_names.add(person["last_name"])
        keys = set(match_keys)
        cf = ["id", *CONTACT_FIELDS]
        self.contact_by_number = (
            rows_by(
                Contact, cf, "customer_number__in", contact_numbers, lambda r: r["customer_number"]
            )
            if "customer_number" in keys
            else {}
        )
        self.contact_by_email = {}
        if "email" in keys and emails:
            ids = {}
            for chunk in chunks(emails):
                for email, contact_id in (
                    ContactEmail.objects.annotate(lower=Lower("email"))
                    .filter(lower__in=chunk)
                    .order_by("contact_id")
                    .values_list("lower", "contact_id")
                ):
                    ids.setdefault(email, contact_id)
            rows = rows_by(Contact, cf, "id__in", set(ids.values()), lambda r: r["id"])
            self.contact_by_email = {e: rows[i] for e, i in ids.items() if i in rows}
        self.contact_by_name = {}
        if "name" in keys and last_names:
            seen = defaultdict(list)
            for chunk in chunks(last_names):
                for row in values_of(Contact.objects.filter(last_name__in=chunk), cf):
                    seen[(row["first_name"].lower(), row["last_name"].lower())].append(row)
            # Only a name that one contact alone has identifies someone.
            self.contact_by_name = {k: v[0] for k, v in seen.items() if len(v) == 1}
        pf = ["id", *COMPANY_FIELDS]
        self.company_by_number = (
            rows_by(
                Company, pf, "customer_number__in", company_numbers, lambda r: r["customer_number"]
            )
            if "customer_number" in keys
            else {}
        )
        self.company_by_org = (
            rows_by(Company, pf, "org_number__in", orgs, lambda r: r["org_number"])
            if "org_number" in keys
            else {}
        )
        # An org.nr is unique among companies: who holds each, matched on or not.
        self.org_holders = {
            org: (pk, name)
            for chunk in chunks(sorted(orgs))
            for org, pk, name in Company.objects.filter(org_number__in=chunk).values_list(
                "org_number", "id", "name"
            )
        }
        self.company_by_email = {}
        if "email" in keys and company_emails:
            for chunk in chunks(company_emails):
                for row in values_of(
                    Company.objects.annotate(lower=Lower("email"))
                    .filter(lower__in=chunk)
                    .order_by("id"),
                    pf,
                    "lower",
                ):
                    self.company_by_email.setdefault(row.pop("lower"), row)
        # A company is also known by its exact name (case aside): without an org.nr, it
        # is all a spreadsheet has, and a rerun must not make the firm twice.
        self.company_by_name = {}
        for chunk in chunks(names):
            for row in values_of(
                Company.objects.annotate(lower=Lower("name"))
                .filter(lower__in=chunk)
                .order_by("id"),
                pf,
                "lower",
            ):
                self.company_by_name.setdefault(row.pop("lower"), row)
        numbers = sorted(contact_numbers | company_numbers)
        self.numbers = {n: (kind, pk) for n, kind, pk in number_holders(numbers)}
        # Numbers a merge retired are never handed out again, imported or not.
        self.retired = set(
            RetiredCustomerNumber.objects.filter(number__in=numbers).values_list(
                "number", flat=True
            )
        )

    def company_details(self, companies: list[Entity]) -> None:
        """The people (by name), links and categories of the companies found."""
        ids = [c.id for c in companies if c.id]
        found = {c.id: c for c in companies if c.id}
        self.people_by_company: dict[tuple, int] = {}
        self.open_links: dict[tuple[int, int], dict] = {}
        for chunk in chunks(ids):
            for link in values_of(
                CompanyLink.objects.filter(company_id__in=chunk),
                [
                    "id",
                    "company_id",
                    "contact_id",
                    "end_date",
                    *LINK_FIELDS[:-2],
                    "start_date",
                    "contact__first_name",
                    "contact__last_name",
                ],
            ):
                name = (link["contact__first_name"].lower(), link["contact__last_name"].lower())
                self.people_by_company.setdefault((link["company_id"], name), link["contact_id"])
                if link["end_date"] is None:
                    self.open_links[(link["contact_id"], link["company_id"])] = link
            through = Company.categories.through
            for company_id, category_id in through.objects.filter(
                company_id__in=chunk
            ).values_list("company_id", "category_id"):
                company = found[company_id]
                if company.categories is UNSET:
                    company.categories = set()
                company.categories.add(category_id)

    def contact_details(self, contacts: list[Entity]) -> None:
        ids = [c.id for c in contacts if c.id]
        by_id = {c.id: c for c in contacts if c.id}
        for chunk in chunks(ids):
            for contact_id, email in (
                ContactEmail.objects.filter(contact_id__in=chunk)
                .order_by("position", "id")
                .values_list("contact_id", "email")
            ):
                contact = by_id[contact_id]
                if contact.emails is UNSET:
                    contact.emails = []
                contact.emails.append(email.lower())
            through = Contact.categories.through
            for contact_id, category_id in through.objects.filter(
                contact_id__in=chunk
            ).values_list("contact_id", "category_id"):
                contact = by_id[contact_id]
                if contact.categories is UNSET:
                    contact.categories = set()
                contact.categories.add(category_id)
