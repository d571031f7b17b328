"""Demo contacts: realistic Norwegian names, e-mail, phones, addresses, categories.

Loaded with COPY in chunks, so a million contacts take minutes, not hours. The history
capture's per-row triggers are off for these rows; history/demo.py records their history
afterwards in one set-based step.
"""

from django.db import transaction
from django.utils import timezone

from crm.bulk import copy_rows, next_values, reserve_ids

from .customer_numbers import SEQUENCE
from .models import Category, Contact

CATEGORIES = ["Kunde", "Leverandør", "Partner", "VIP", "Presse", "Styremedlem"]
# Names that the search examples and tests talk about, so the demo shows them.
SEARCH_EXAMPLES = ["Hansen", "Johansen", "Thorhansen", "Hanssen", "Ås", "Ødegård", "Ærø"]
CHUNK = 20_000


def _pools(ctx):
    fake = ctx.faker
    first = sorted({fake.first_name() for _ in range(3000)})
    last = sorted({fake.last_name() for _ in range(3000)} | set(SEARCH_EXAMPLES))
    streets = sorted({fake.street_name() for _ in range(1500)})
    places = sorted({(fake.postcode(), fake.city()) for _ in range(800)})
    return first, last, streets, places


def _ascii(text: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e", " ": "", "-": "", "'": ""})
    return text.lower().translate(table)


def seed(ctx):
    for name in CATEGORIES:
        Category.objects.get_or_create(name=name)
    missing = ctx.contacts - Contact.objects.count()
    if missing <= 0:
        return
    category_ids = list(Category.objects.order_by("id").values_list("id", flat=True))
    first_names, last_names, streets, places = _pools(ctx)
    rng = ctx.rng
    # Start the random stream where earlier runs stopped, so a second run that adds
    # more contacts gives new people, not copies of the first ones.
    rng.seed(f"{ctx.seed}-contacts-{ctx.contacts - missing}")
    owners = [ctx.admin.pk, ctx.staff.pk]
    now = timezone.now()
    bar = ctx.progress(missing, "contacts")
    done = 0
    while done < missing:
        n = min(CHUNK, missing - done)
        with transaction.atomic():
            ids = reserve_ids("contacts_contact", n)
            ctx.new_contact_ids.extend(ids)
            private = [rng.random() < 0.08 for _ in range(n)]
            numbers = iter(next_values(SEQUENCE, sum(private)))
            contacts, emails, cats = [], [], []
            for i, pk in enumerate(ids):
                first, last = rng.choice(first_names), rng.choice(last_names)
                postcode, city = rng.choice(places)
                mobile = f"+47{rng.choice('49')}{rng.randrange(10**7):07d}"
                work = (
                    f"+47{rng.choice('2357')}{rng.randrange(10**7):07d}"
                    if rng.random() < 0.3
                    else ""
                )
                contacts.append(
                    (
                        pk,
                        first,
                        last,
                        mobile,
                        work,
                        "",
                        f"{rng.choice(streets)} {rng.randrange(1, 120)}",
                        postcode,
                        city,
                        "NO",
                        "",
                        rng.choice(owners),
                        "",
                        next(numbers) if private[i] else None,
                        False,
                        now,
                        now,
                    )
                )
                emails.append(
                    (
                        pk,
                        f"{_ascii(first)}.{_ascii(last)}{pk}@{rng.choice(['epost.no', 'online.no', 'gmail.com', 'firma.no'])}",
                        0,
                    )
                )
                if rng.random() < 0.3:
                    cats.append((pk, rng.choice(category_ids)))
            copy_rows(
                "contacts_contact",
                [
                    "id",
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
                    "owner_id",
                    "notes",
                    "customer_number",
                    "email_locked",
                    "created_at",
                    "updated_at",
                ],
                contacts,
                without_triggers=True,
            )
            copy_rows(
                "contacts_contactemail",
                ["contact_id", "email", "position"],
                emails,
                without_triggers=True,
            )
            copy_rows(
                "contacts_contact_categories",
                ["contact_id", "category_id"],
                cats,
                without_triggers=True,
            )
        done += n
        bar.update(n)
    bar.close()
