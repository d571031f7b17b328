"""Finding the pairs for the administrators' list (``CandidatePair``): every pair of
contacts (or of companies) that shares an e-mail, a phone or an org.nr, or has names
similar by trigram similarity in the same postcode — the signals of ``matching``, for
all records at once.

Why stored: on a million contacts the self-joins take tens of seconds (figures in
``benchmarks/duplicates_bench.py --pairs``), so ``manage.py find_duplicates`` (nightly)
or the list's «Finn duplikater» button finds them and the list reads the table. The name
comparison is blocked on the first three letters of the last name (of the company's
name) within a postcode, as record linkage does: comparing every two names of a postcode
would be 640 million similarity() calls on the demo million; the blocks make it a few
million. The form's check while typing (``matching``) compares without blocks.
"""

from django.db import connection, transaction

from .matching import NAME_SIMILARITY, WEIGHTS
from .models import KIND_CONTACT

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
        AND left(lower(a.last_name), 3) = left(lower(b.last_name), 3)
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
        AND left(lower(a.name), 3) = left(lower(b.name), 3)
    WHERE a.postcode <> '' AND similarity(a.name, b.name) >= %(similarity)s
"""


@transaction.atomic
def pairs_find(*, kind: str) -> int:
    """Find the pairs of ``kind`` anew (replacing those found before); their number."""
    contacts = kind == KIND_CONTACT
    pairs = _CONTACT_PAIRS if contacts else _COMPANY_PAIRS
    phones = _CONTACT_PHONES if contacts else ""
    weights = " ".join(f"WHEN '{signal}' THEN {weight}" for signal, weight in WEIGHTS.items())
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM duplicates_candidatepair WHERE kind = %s", [kind])
        cursor.execute(
            f"""
            INSERT INTO duplicates_candidatepair
                (kind, first_id, second_id, signals, score, found_at)
            WITH {phones} pairs(first_id, second_id, signal) AS ({pairs})
            SELECT %(kind)s, first_id, second_id, array_agg(DISTINCT signal),
                   sum(DISTINCT CASE signal {weights} ELSE 0 END), now()
            FROM pairs p
            WHERE NOT EXISTS (
                SELECT 1 FROM duplicates_dismissedpair d
                WHERE d.kind = %(kind)s AND d.first_id = p.first_id
                  AND d.second_id = p.second_id
            )
            GROUP BY first_id, second_id
            """,
            {"kind": kind, "similarity": NAME_SIMILARITY},
        )
        return cursor.rowcount
