"""Orders, their lines, invoices and the invoice counter."""

import factory
from factory.django import DjangoModelFactory

from orders.models import FirmDetails, Invoice, InvoiceCounter, Order, OrderLine
from tests.contacts.factories import CustomerContactFactory


class OrderFactory(DjangoModelFactory):
    """A draft order for a private customer (pass ``company=…, contact=None`` for a firm)."""

    class Meta:
        model = Order

    contact = factory.SubFactory(CustomerContactFactory)
    company = None
    reference = "Tilbud 2026-11"


class OrderLineFactory(DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    position = factory.Sequence(lambda n: n)
    description = factory.Sequence(lambda n: f"Konsulenttime {n}")
    quantity = 2
    unit_price = "950.00"
    vat_rate = 25
    discount_percent = 0


class InvoiceCounterFactory(DjangoModelFactory):
    class Meta:
        model = InvoiceCounter
        django_get_or_create = ["series"]

    series = "invoice"
    last_number = 0


class InvoiceFactory(DjangoModelFactory):
    """A bare invoice row; real invoices come from ``orders.invoicing.invoice_issue``."""

    class Meta:
        model = Invoice

    number = factory.Sequence(lambda n: 900000 + n)
    order = factory.SubFactory(OrderFactory, status="invoiced")
    invoice_date = factory.Faker("date_this_year")
    due_date = factory.LazyAttribute(lambda o: o.invoice_date)
    kid = "0"
    customer_number = factory.LazyAttribute(lambda o: o.order.contact.customer_number)
    customer_name = factory.LazyAttribute(lambda o: o.order.contact.full_name)
    net_total = "0.00"
    vat_total = "0.00"
    gross_total = "0.00"


class FirmDetailsFactory(DjangoModelFactory):
    """The seller: valid org.nr (mod 11) and bank account (mod 11)."""

    class Meta:
        model = FirmDetails
        django_get_or_create = ["id"]

    id = 1
    name = "Fjordfrukt Regnskap AS"
    street_address = "Kaigata 4"
    postcode = "5003"
    city = "Bergen"
    org_number = "923609016"
    in_register = True
    vat_registered = True
    bank_account = "12345678903"
    iban = "NO9386011117947"
    bic = "DNBANOKKXXX"
    payment_terms_days = 14
    default_vat = "25"
    invoice_email = "faktura@fjordfrukt.example"
