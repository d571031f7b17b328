"""The «Ordre og faktura» tab: the benchmark contact as a private customer with 30 orders
(5 lines each), 20 of them invoiced."""

from decimal import Decimal

TAB = "orders"
ORDERS = 30


def build(contact):
    from contacts.services import contact_make_customer
    from orders import invoicing, seller, services
    from orders.demo import DEMO_FIRM
    from orders.models import Order

    if seller.firm_details() is None:
        seller.firm_details_save(values=DEMO_FIRM)
    contact = contact_make_customer(contact=contact)
    have = Order.objects.filter(contact=contact).count()
    lines = [
        {
            "description": f"Vare {n}",
            "quantity": Decimal(n),
            "unit_price": Decimal("199.90"),
            "vat_rate": [25, 15, 12, 0, 25][n],
            "discount_percent": Decimal(5 * n),
        }
        for n in range(5)
        if n
    ] + [
        {
            "description": "Frakt",
            "quantity": Decimal(1),
            "unit_price": Decimal("99.00"),
            "vat_rate": 25,
            "discount_percent": Decimal(0),
        }
    ]
    for i in range(have, ORDERS):
        order = services.order_create(customer=contact, lines=lines, reference=f"Benk {i}")
        if i < 20:
            invoicing.invoice_issue(order=services.order_confirm(order=order))
