"""Demo orders and invoices for a few private customers and companies.

Idempotent: a customer that already has an order is left alone, so running again adds
orders only for customers that have none yet (up to the demo's few).
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from companies.models import Company
from contacts.models import Contact

from . import invoicing, seller, services
from .models import Order

# The demo firm as a seller: a valid org.nr and bank account (mod 11), made up.
DEMO_FIRM = {
    "name": "Kontaktkort Demo AS",
    "street_address": "Storgata 1",
    "postcode": "0155",
    "city": "Oslo",
    "org_number": "923609016",
    "in_register": True,
    "vat_registered": True,
    "bank_account": "12345678903",
    "iban": "NO9386011117947",
    "bic": "DNBANOKKXXX",
    "payment_terms_days": 14,
    "default_vat": "25",
    "invoice_email": "faktura@kontaktkort.example",
}

PRIVATE_CUSTOMERS = 4
COMPANIES = 4
ITEMS = [
    ("Rådgivning, time", Decimal("1150.00"), 25),
    ("Installasjon", Decimal("2490.00"), 25),
    ("Serviceavtale, måned", Decimal("399.00"), 25),
    ("Frukt- og kaffelevering", Decimal("649.00"), 15),
    ("Persontransport", Decimal("780.00"), 12),
    ("Kurs (avgiftsfritt)", Decimal("3500.00"), 0),
]


def _lines(rng):
    lines = []
    for description, price, rate in rng.sample(ITEMS, rng.randint(1, 3)):
        lines.append(
            {
                "description": description,
                "quantity": Decimal(rng.choice(["1", "2", "3", "1.5", "10"])),
                "unit_price": price,
                "vat_rate": rate,
                "discount_percent": Decimal(rng.choice(["0", "0", "10", "15"])),
            }
        )
    return lines


def seed(ctx):
    rng = ctx.rng
    rng.seed(f"{ctx.seed}-orders")
    if seller.firm_details() is None:
        seller.firm_details_save(values=DEMO_FIRM)
    today = timezone.localdate()
    customers = list(
        Contact.objects.filter(customer_number__isnull=False).order_by("id")[:PRIVATE_CUSTOMERS]
    ) + list(Company.objects.filter(customer_number__isnull=False).order_by("id")[:COMPANIES])
    have_orders = {
        *(("contact", pk) for pk in Order.objects.values_list("contact_id", flat=True)),
        *(("company", pk) for pk in Order.objects.values_list("company_id", flat=True)),
    }
    for i, customer in enumerate(customers):
        lines = _lines(rng)  # drawn for every customer, so the stream is stable
        kind = "contact" if isinstance(customer, Contact) else "company"
        if (kind, customer.pk) in have_orders:
            continue
        order = services.order_create(
            customer=customer,
            lines=lines,
            order_date=today - timedelta(days=20 - i),
            reference=f"Demo {i + 1}",
            actor=ctx.staff,
        )
        # A mix of states: a draft, confirmed orders, invoices, one credited invoice.
        if i % 4 == 0:
            continue
        services.order_confirm(order=order, actor=ctx.staff)
        if i % 4 == 1:
            continue
        invoice = invoicing.invoice_issue(
            order=order, actor=ctx.staff, invoice_date=today - timedelta(days=10 - i)
        )
        if i == 3:
            invoicing.credit_note_issue(invoice=invoice, actor=ctx.staff)
