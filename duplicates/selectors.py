"""The administrators' duplicate list: pairs scored by the signals of ``matching``, best
first, without the pairs dismissed as «ikke duplikat». One query a page (the total rides
along as ``COUNT(*) OVER ()``).

The pairs are found on demand with self-joins (e-mail and phone by hash join, names by
trigram similarity within each postcode): fine for a firm's tens of thousands of cards;
on a million contacts it takes seconds, which is why it is a list administrators open,
not something a form asks.
"""

from dataclasses import dataclass

from django.db import connection

from companies.models import Company
from contacts.models import Contact
from crm.pagination import page_of_rows
from crm.params import page_number

from .matching import NAME_SIMILARITY, REASONS, WEIGHTS
from .models import KIND_COMPANY, KIND_CONTACT

PER_PAGE = 25

_CONTACT_PAIRS = """
    SELECT LEAST(a.contact_id, b.contact_id), GREATEST(a.contact_id, b.contact_id), 'email'
    FROM contacts_contactemail a
    JOIN contacts_contactemail b ON lower(a.email) = lower(b.email)
        AND a.contact_id < b.contact_id
    UNION ALL
    SELECT a.id, b.id, 'phone' FROM phones a JOIN phones b ON a.phone = b.phone AND a.id < b.id
    UNION ALL
    SELECT a.id, b.id, 'name' FROM contacts_contact a
    JOIN contacts_contact b ON a.postcode = b.postcode AND a.id < b.id
    WHERE a.postcode <> ''
      AND similarity(a.first_name || ' ' || a.last_name, b.first_name || ' ' || b.last_name)
          >= %(similarity)s
"""
_CONTACT_PHONES = """
    phones AS (
        SELECT DISTINCT id, phone FROM contacts_contact,
            unnest(ARRAY[mobile, work_phone, private_phone]) AS phone
        WHERE phone <> ''
    ),
"""
_COMPANY_PAIRS = """
    SELECT a.id, b.id, 'orgnr' FROM companies_company a
    JOIN companies_company b ON a.org_number = b.org_number AND a.id < b.id
    WHERE a.org_number <> ''
    UNION ALL
    SELECT a.id, b.id, 'email' FROM companies_company a
    JOIN companies_company b ON lower(a.email) = lower(b.email) AND a.id < b.id
    WHERE a.email <> ''
    UNION ALL
    SELECT a.id, b.id, 'phone' FROM companies_company a
    JOIN companies_company b ON a.phone = b.phone AND a.id < b.id
    WHERE a.phone <> ''
    UNION ALL
    SELECT a.id, b.id, 'name' FROM companies_company a
    JOIN companies_company b ON a.postcode = b.postcode AND a.id < b.id
    WHERE a.postcode <> '' AND similarity(a.name, b.name) >= %(similarity)s
"""


@dataclass
class Pair:
    first: object
    second: object
    signals: list[str]
    score: int

    @property
    def reasons(self) -> list:
        return [REASONS[s] for s in self.signals]


def duplicate_pairs(*, kind: str, page=None):
    """A page of :class:`Pair` of ``kind`` ("contact" or "company"), best first."""
    model = Contact if kind == KIND_CONTACT else Company
    pairs = _CONTACT_PAIRS if kind == KIND_CONTACT else _COMPANY_PAIRS
    phones = _CONTACT_PHONES if kind == KIND_CONTACT else ""
    weights = " ".join(f"WHEN '{signal}' THEN {weight}" for signal, weight in WEIGHTS.items())
    number = page_number(page)
    sql = f"""
        WITH {phones} pairs(first_id, second_id, signal) AS ({pairs})
        SELECT first_id, second_id, array_agg(DISTINCT signal),
               sum(DISTINCT CASE signal {weights} ELSE 0 END) AS score,
               COUNT(*) OVER ()
        FROM pairs p
        WHERE NOT EXISTS (
            SELECT 1 FROM duplicates_dismissedpair d
            WHERE d.kind = %(kind)s AND d.first_id = p.first_id AND d.second_id = p.second_id
        )
        GROUP BY first_id, second_id
        ORDER BY score DESC, first_id, second_id
        LIMIT %(limit)s OFFSET %(offset)s
    """
    params = {
        "kind": kind,
        "similarity": NAME_SIMILARITY,
        "limit": PER_PAGE,
        "offset": (number - 1) * PER_PAGE,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        if not rows and number > 1:
            return duplicate_pairs(kind=kind, page=1)
    total = rows[0][4] if rows else 0
    objects = model.objects.in_bulk({pk for row in rows for pk in row[:2]})
    found = [
        Pair(objects[a], objects[b], sorted(signals, key=lambda s: -WEIGHTS[s]), score)
        for a, b, signals, score, _total in rows
        if a in objects and b in objects
    ]
    return page_of_rows(found, total, number, PER_PAGE)


def kind_param(value) -> str:
    return KIND_COMPANY if value == KIND_COMPANY else KIND_CONTACT
