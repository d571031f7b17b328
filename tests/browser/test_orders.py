import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from orders.kid import kid_is_valid
from orders.models import Invoice, OrderLine
from tests.browser.conftest import assert_accessible
from tests.contacts.factories import ContactEmailFactory, ContactFactory, CustomerContactFactory
from tests.orders.factories import FirmDetailsFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_private_customer_gets_an_order_and_a_printable_invoice(live_server, page, login, staff):
    FirmDetailsFactory()
    contact = ContactFactory(first_name="Kari", last_name="Nordmann", customer_number=None)
    ContactEmailFactory(contact=contact, email="kari@example.no")
    login(staff)
    page.goto(live_server.url + reverse("contacts:tab", args=[contact.pk, "orders"]))
    # Not a customer yet: refused, with the «+» offered.
    page.get_by_role("link", name="Ny ordre").click()
    assert page.get_by_test_id("not-customer").is_visible()
    assert_accessible(page)
    page.goto(live_server.url + contact.get_absolute_url())
    page.get_by_role(
        "button", name="Gi neste kundenummer (gjør kontakten til privatkunde)"
    ).click()
    assert page.get_by_test_id("customer-number").is_visible()

    page.get_by_role("tab", name="Ordre og faktura").click()
    page.get_by_role("link", name="Ny ordre").click()
    page.get_by_label("Referanse").fill("Vinduspuss")
    page.get_by_label("Beskrivelse").fill("Vindusvask")
    page.get_by_label("Antall").fill("2")
    page.get_by_label("Enhetspris").fill("450")
    page.get_by_role("button", name="Legg til linje").click()
    lines = page.get_by_test_id("order-line")
    lines.nth(1).wait_for()
    assert page.get_by_label("Beskrivelse").first.input_value() == "Vindusvask"
    second = lines.nth(1)
    second.get_by_label("Beskrivelse").fill("Fruktkurv")
    second.get_by_label("Enhetspris").fill("200")
    second.get_by_label("Mva-sats").select_option("15")
    second.get_by_label("Rabatt %").fill("10")
    assert_accessible(page)
    page.get_by_role("button", name="Lagre ordre").click()

    page.get_by_role("button", name="Bekreft ordre").click()
    order_url = page.url
    # The first click only asks (over htmx, on the order page): no number is taken yet.
    page.get_by_role("link", name="Lag faktura").click()
    question = page.get_by_test_id("confirm-invoice")
    question.wait_for()
    assert "kan ikke angres" in question.inner_text()
    assert page.url == order_url and not Invoice.objects.exists()
    assert_accessible(page)
    page.get_by_role("button", name="Ja, lag fakturaen").click()
    page.wait_for_url(re.compile(r"/orders/invoices/\d+/$"))
    invoice = Invoice.objects.get()
    kid = page.get_by_test_id("kid").inner_text()
    assert kid == invoice.kid and kid_is_valid(kid)
    # 900 + 225 VAT (25 %) and 180 + 27 VAT (15 %, after 10 % off).
    assert page.get_by_test_id("total-net").inner_text() == "1\xa0080,00\xa0kr"
    assert page.get_by_test_id("total-vat").inner_text() == "252,00\xa0kr"
    assert page.get_by_test_id("total-gross").inner_text() == "1\xa0332,00\xa0kr"
    totals = page.get_by_test_id("totals").inner_text()
    assert "25 %" in totals and "15 %" in totals
    assert (
        "Org.nr. 923 609 016 MVA Foretaksregisteret"
        in page.get_by_test_id("invoice-seller").inner_text()
    )
    assert page.get_by_test_id("account").inner_text() == "1234 56 78903"
    page.emulate_media(media="print")
    assert page.get_by_test_id("kid").is_visible()
    assert not page.get_by_role("button", name="Skriv ut").is_visible()
    page.emulate_media(media="screen")
    assert_accessible(page)

    # «Send faktura» asks first (over htmx), then e-mails the PDF once.
    page.get_by_role("link", name="Send faktura").click()
    question = page.get_by_test_id("confirm-send")
    question.wait_for()
    assert "kari@example.no" in question.inner_text()
    assert not mail.outbox
    assert_accessible(page)
    page.get_by_role("button", name="Ja, send fakturaen").click()
    page.get_by_test_id("sent").wait_for()
    assert [m.to for m in mail.outbox] == [["kari@example.no"]]


def test_price_typed_with_a_norwegian_comma_is_saved_and_shown_in_kroner(
    live_server, page, login, staff
):
    contact = CustomerContactFactory(first_name="Kari", last_name="Nordmann")
    login(staff)
    page.goto(live_server.url + reverse("orders:create_for_contact", args=[contact.pk]))
    page.get_by_label("Beskrivelse").fill("Vindusvask")
    # Typed key by key, as a person types it on a Norwegian keyboard.
    page.get_by_label("Enhetspris").press_sequentially("1249,50")
    page.get_by_label("Mva-sats").select_option("0")
    page.get_by_role("button", name="Lagre ordre").click()
    page.wait_for_url(re.compile(r"/orders/\d+/$"))

    line = OrderLine.objects.get()
    assert line.unit_price == Decimal("1249.50")
    row = page.get_by_test_id("line-row").inner_text()
    assert "1\xa0249,50\xa0kr" in row
    assert page.get_by_test_id("total-gross").inner_text() == "1\xa0249,50\xa0kr"

    page.goto(live_server.url + reverse("orders:update", args=[line.order_id]))
    assert page.get_by_label("Enhetspris").input_value() == "1\xa0249,50"

    page.goto(live_server.url + reverse("contacts:tab", args=[contact.pk, "history"]))
    created = page.locator("[data-verb='orders.created']").inner_text()
    assert "(1\xa0249,50\xa0kr)" in created
