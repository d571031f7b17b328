"""Demo companies with valid organisation numbers, and people linked to them."""

import datetime

from django.db import transaction
from django.utils import timezone
from stdnum.no import orgnr

from contacts.customer_numbers import SEQUENCE
from crm.bulk import copy_rows, next_values

from .models import Company

POSITIONS = [
    "Daglig leder",
    "Økonomisjef",
    "Regnskapsfører",
    "Selger",
    "Innkjøper",
    "Konsulent",
    "Prosjektleder",
    "HR-sjef",
    "Kundebehandler",
    "Styreleder",
    "Utvikler",
    "Lagerleder",
]
SUFFIXES = ["AS", "AS", "AS", "ASA", "ANS", "DA"]
CHUNK = 20_000


def _valid_orgnr(rng, taken: set[str]) -> str:
    """A valid org.nr no company has yet (org.nr is unique, companies/0006)."""
    while True:
        number = f"{rng.choice('89')}{rng.randrange(10**8):08d}"
        if orgnr.is_valid(number) and number not in taken:
            taken.add(number)
            return number


def seed(ctx):
    rng = ctx.rng
    missing = ctx.companies - Company.objects.count()
    if missing > 0:
        rng.seed(f"{ctx.seed}-companies-{ctx.companies - missing}")
        now = timezone.now()
        with transaction.atomic():
            numbers = iter(next_values(SEQUENCE, missing))
            bar = ctx.progress(missing, "companies")
            taken = set(
                Company.objects.exclude(org_number="").values_list("org_number", flat=True)
            )
            for _ in range(missing):
                name = f"{ctx.faker.last_name()} {rng.choice(['Bygg', 'Regnskap', 'Transport', 'Eiendom', 'Data', 'Handel', 'Rør', 'Elektro', 'Consult'])} {rng.choice(SUFFIXES)}"
                Company.objects.create(
                    name=name,
                    org_number=_valid_orgnr(rng, taken),
                    customer_number=next(numbers) if rng.random() < 0.7 else None,
                    street_address=ctx.faker.street_address(),
                    postcode=ctx.faker.postcode(),
                    city=ctx.faker.city(),
                    phone=f"+47{rng.choice('2357')}{rng.randrange(10**7):07d}",
                    email=f"post@{name.split()[0].lower()}.no".replace("ø", "o")
                    .replace("æ", "ae")
                    .replace("å", "a"),
                    owner=ctx.admin,
                    created_at=now,
                )
                bar.update(1)
            bar.close()
    _link_people(ctx)


def _link_people(ctx):
    """About two thirds of the people work somewhere; some have a former employer too."""
    company_ids = list(Company.objects.order_by("id").values_list("id", flat=True))
    if not company_ids:
        return
    rng = ctx.rng
    if not ctx.new_contact_ids:
        return
    rng.seed(f"{ctx.seed}-links-{ctx.new_contact_ids[0]}")
    today = timezone.localdate()
    now = timezone.now()
    bar = ctx.progress(len(ctx.new_contact_ids), "company links")
    batch = []

    def flush():
        with transaction.atomic():
            copy_rows(
                "companies_companylink",
                [
                    "contact_id",
                    "company_id",
                    "position",
                    "work_phone",
                    "mobile",
                    "email",
                    "start_date",
                    "end_date",
                    "created_at",
                    "updated_at",
                ],
                batch,
                without_triggers=True,
            )
        batch.clear()

    for contact_id in ctx.new_contact_ids:
        if rng.random() < 0.66:
            company = rng.choice(company_ids)
            start = today - datetime.timedelta(days=rng.randrange(0, 15 * 365))
            batch.append(
                (contact_id, company, rng.choice(POSITIONS), "", "", "", start, None, now, now)
            )
            if rng.random() < 0.15:
                former = rng.choice(company_ids)
                if former != company:
                    end = start - datetime.timedelta(days=rng.randrange(30, 400))
                    batch.append(
                        (
                            contact_id,
                            former,
                            rng.choice(POSITIONS),
                            "",
                            "",
                            "",
                            None,
                            end,
                            now,
                            now,
                        )
                    )
        bar.update(1)
        if len(batch) >= CHUNK:
            flush()
    if batch:
        flush()
    bar.close()
