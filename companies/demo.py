"""Demo companies with valid organisation numbers, and people linked to them."""

from django.db import transaction
from django.utils import timezone
from stdnum.no import orgnr

from contacts.customer_numbers import SEQUENCE
from contacts.models import Contact
from crm.bulk import copy_rows, next_values

from .models import Company, CompanyLink

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


def _valid_orgnr(rng) -> str:
    while True:
        number = f"{rng.choice('89')}{rng.randrange(10**8):08d}"
        if orgnr.is_valid(number):
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
            for _ in range(missing):
                name = f"{ctx.faker.last_name()} {rng.choice(['Bygg', 'Regnskap', 'Transport', 'Eiendom', 'Data', 'Handel', 'Rør', 'Elektro', 'Consult'])} {rng.choice(SUFFIXES)}"
                Company.objects.create(
                    name=name,
                    org_number=_valid_orgnr(rng),
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
    if CompanyLink.objects.exists():
        last = CompanyLink.objects.order_by("-contact_id").values_list("contact_id", flat=True)[0]
    else:
        last = 0
    company_ids = list(Company.objects.order_by("id").values_list("id", flat=True))
    if not company_ids:
        return
    rng = ctx.rng
    rng.seed(f"{ctx.seed}-links-{last}")
    today = timezone.localdate()
    now = timezone.now()
    pending = Contact.objects.filter(id__gt=last).order_by("id").values_list("id", flat=True)
    total = pending.count()
    bar = ctx.progress(total, "company links")
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
            )
        bar.update(len(batch))
        batch.clear()

    for contact_id in pending.iterator(chunk_size=CHUNK):
        if rng.random() < 0.66:
            company = rng.choice(company_ids)
            start = today.replace(year=today.year - rng.randrange(0, 15))
            batch.append(
                (contact_id, company, rng.choice(POSITIONS), "", "", "", start, None, now, now)
            )
            if rng.random() < 0.15:
                former = rng.choice(company_ids)
                if former != company:
                    end = start.replace(year=start.year - 1) if start.year > 1990 else None
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
        if len(batch) >= CHUNK:
            flush()
    if batch:
        flush()
    bar.close()
