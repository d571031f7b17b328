from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from orders import invoicing, services
from orders.models import Invoice, InvoiceCounter, Order, OrderStatus
from tests.companies.factories import CompanyFactory
from tests.contacts.factories import ContactFactory, CustomerContactFactory
from tests.orders.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


def _line_data(prefix="lines", rows=(), total=None):
    data = {
        f"{prefix}-TOTAL_FORMS": str(total if total is not None else len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "1",
        f"{prefix}-MAX_NUM_FORMS": "200",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


ROW = {
    "description": "Vindusvask",
    "quantity": "2",
    "unit_price": "450.00",
    "vat_rate": "25",
    "discount_percent": "0",
}


def _invoiced(staff):
    order = OrderFactory()
    OrderLineFactory(order=order)
    services.order_recalculate(order=order)
    services.order_confirm(order=order, actor=staff)
    return invoicing.invoice_issue(order=order, actor=staff)


def _urls():
    contact = CustomerContactFactory()
    order = OrderFactory(contact=contact)
    OrderLineFactory(order=order)
    invoice = invoicing.invoice_issue(
        order=services.order_confirm(order=services.order_recalculate(order=order)),
    )
    return [
        ("get", reverse("orders:create_for_contact", args=[contact.pk])),
        ("get", reverse("orders:detail", args=[order.pk])),
        ("get", reverse("orders:update", args=[order.pk])),
        ("post", reverse("orders:confirm", args=[order.pk])),
        ("post", reverse("orders:cancel", args=[order.pk])),
        ("post", reverse("orders:invoice_issue", args=[order.pk])),
        ("get", reverse("orders:invoice", args=[invoice.pk])),
        ("post", reverse("orders:credit", args=[invoice.pk])),
        ("get", reverse("contacts:tab", args=[contact.pk, "orders"])),
    ]


def test_anonymous_users_are_sent_to_login(client):
    for method, url in _urls():
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert reverse("login") in response["Location"]


def test_users_without_crm_access_get_403(client, no_access_user):
    client.force_login(no_access_user)
    for method, url in _urls():
        assert getattr(client, method)(url).status_code == 403, url


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "orders:detail"),
        ("get", "orders:update"),
        ("post", "orders:confirm"),
        ("post", "orders:cancel"),
        ("post", "orders:invoice_issue"),
        ("get", "orders:invoice"),
        ("post", "orders:credit"),
        ("get", "orders:create_for_contact"),
        ("get", "orders:create_for_company"),
    ],
)
def test_missing_objects_are_404(staff_client, method, name):
    assert getattr(staff_client, method)(reverse(name, args=[999999])).status_code == 404


def test_wrong_method_is_405(staff_client):
    order = OrderFactory()
    assert staff_client.get(reverse("orders:confirm", args=[order.pk])).status_code == 405


def test_new_order_for_a_non_customer_is_refused_with_the_plus_offered(staff_client):
    contact = ContactFactory(customer_number=None)
    url = reverse("orders:create_for_contact", args=[contact.pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "not a customer" in page or "ikke kunde" in page
    assert reverse("contacts:make_customer", args=[contact.pk]) in page
    assert 'name="lines-TOTAL_FORMS"' not in page
    response = staff_client.post(url, {"date": "2026-11-26", **_line_data(rows=[ROW])})
    assert response.status_code == 200
    assert not Order.objects.exists()


def test_new_order_for_a_company_without_customer_number_is_refused(staff_client):
    company = CompanyFactory()
    response = staff_client.get(reverse("orders:create_for_company", args=[company.pk]))
    assert reverse("companies:make_customer", args=[company.pk]) in response.content.decode()


def test_create_order_with_two_lines(staff_client, staff):
    contact = CustomerContactFactory()
    second = {**ROW, "description": "Matkurv", "vat_rate": "15", "discount_percent": "10"}
    response = staff_client.post(
        reverse("orders:create_for_contact", args=[contact.pk]),
        {"date": "2026-11-26", "reference": "Avtale", **_line_data(rows=[ROW, second])},
    )
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    assert order.contact == contact and order.created_by == staff
    assert order.lines.count() == 2
    assert order.gross_total == Decimal("1125.00") + Decimal("931.50")


def test_company_order_is_created(staff_client):
    company = CompanyFactory(customer_number=880001)
    staff_client.post(
        reverse("orders:create_for_company", args=[company.pk]),
        {"date": "2026-11-26", **_line_data(rows=[ROW])},
    )
    assert Order.objects.get().company == company


def test_add_line_button_keeps_what_was_typed_and_adds_an_empty_line(staff_client):
    contact = CustomerContactFactory()
    response = staff_client.post(
        reverse("orders:create_for_contact", args=[contact.pk]),
        {"date": "2026-11-26", "add_line": "1", **_line_data(rows=[ROW])},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Vindusvask"' in page
    assert 'name="lines-1-description"' in page
    assert 'name="lines-TOTAL_FORMS" value="2"' in page
    assert not Order.objects.exists()


def test_add_line_over_htmx_returns_only_the_form(staff_client):
    contact = CustomerContactFactory()
    response = staff_client.post(
        reverse("orders:create_for_contact", args=[contact.pk]),
        {"date": "2026-11-26", "add_line": "1", **_line_data(rows=[ROW])},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<form method="post"')
    assert "<html" not in page


def test_untouched_extra_line_is_ignored(staff_client):
    contact = CustomerContactFactory()
    blank = {**ROW, "description": "", "quantity": "1", "unit_price": "", "discount_percent": "0"}
    staff_client.post(
        reverse("orders:create_for_contact", args=[contact.pk]),
        {"date": "2026-11-26", **_line_data(rows=[ROW, blank])},
    )
    assert Order.objects.get().lines.count() == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"quantity": "0"},
        {"quantity": "tre"},
        {"unit_price": "-5"},
        {"vat_rate": "8"},
        {"discount_percent": "101"},
        {"description": ""},
    ],
)
def test_bad_line_shows_a_form_message(staff_client, bad):
    contact = CustomerContactFactory()
    response = staff_client.post(
        reverse("orders:create_for_contact", args=[contact.pk]),
        {"date": "2026-11-26", **_line_data(rows=[{**ROW, **bad}])},
    )
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert not Order.objects.exists()


def test_no_lines_and_broken_management_form_are_form_errors(staff_client):
    contact = CustomerContactFactory()
    url = reverse("orders:create_for_contact", args=[contact.pk])
    response = staff_client.post(url, {"date": "2026-11-26", **_line_data(rows=[])})
    assert response.status_code == 200
    response = staff_client.post(url, {"date": "x", "lines-TOTAL_FORMS": "x", "add_line": "1"})
    assert response.status_code == 200
    assert not Order.objects.exists()


def test_edit_a_draft(staff_client):
    order = OrderFactory()
    OrderLineFactory(order=order, description="Gammel")
    url = reverse("orders:update", args=[order.pk])
    assert 'value="Gammel"' in staff_client.get(url).content.decode()
    data = _line_data(rows=[{**ROW, "description": "Ny"}])
    data["lines-INITIAL_FORMS"] = "1"
    staff_client.post(url, {"date": "2026-11-20", **data})
    assert list(order.lines.values_list("description", flat=True)) == ["Ny"]


def test_a_confirmed_order_cannot_be_edited(staff_client, staff):
    order = OrderFactory()
    OrderLineFactory(order=order)
    services.order_confirm(order=order, actor=staff)
    response = staff_client.get(reverse("orders:update", args=[order.pk]))
    assert response.status_code == 302


def test_confirm_invoice_and_credit_through_the_pages(staff_client):
    order = OrderFactory()
    OrderLineFactory(order=order)
    services.order_recalculate(order=order)
    staff_client.post(reverse("orders:confirm", args=[order.pk]))
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    response = staff_client.post(
        reverse("orders:invoice_issue", args=[order.pk]), {"confirm": "1"}
    )
    invoice = Invoice.objects.get()
    assert response["Location"] == invoice.get_absolute_url()
    page = staff_client.get(invoice.get_absolute_url()).content.decode()
    assert invoice.kid in page
    assert "2\xa0375,00\xa0kr" in page  # 2 × 950 + 25 % VAT, in Norwegian
    response = staff_client.post(reverse("orders:credit", args=[invoice.pk]), {"confirm": "1"})
    note = Invoice.objects.get(credited_invoice=invoice)
    assert response["Location"] == note.get_absolute_url()
    # Twice: a message, not a 500.
    response = staff_client.post(
        reverse("orders:credit", args=[invoice.pk]), {"confirm": "1"}, follow=True
    )
    assert response.status_code == 200
    assert Invoice.objects.count() == 2


def test_one_click_on_credit_invoice_asks_first_and_takes_no_number(staff_client, staff):
    invoice = _invoiced(staff)
    url = reverse("orders:credit", args=[invoice.pk])
    # The button is a plain form: without JavaScript one click is a POST without «confirm».
    response = staff_client.post(url, follow=True)
    assert not Invoice.objects.filter(credited_invoice=invoice).exists()
    page = response.content.decode()
    assert 'data-testid="confirm-credit"' in page
    assert "kreditnotanummer" in page  # says what confirming uses up
    response = staff_client.get(url)
    assert 'data-testid="confirm-credit"' in response.content.decode()
    assert not Invoice.objects.filter(credited_invoice=invoice).exists()
    response = staff_client.post(url, {"confirm": "1"})
    note = Invoice.objects.get(credited_invoice=invoice)
    assert response["Location"] == note.get_absolute_url()


def test_credit_confirmation_for_htmx_is_the_fragment(staff_client, staff):
    invoice = _invoiced(staff)
    url = reverse("orders:credit", args=[invoice.pk])
    response = staff_client.get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'data-testid="confirm-credit"' in html and "<html" not in html


def test_an_invoice_already_credited_gets_no_second_confirmation(staff_client, staff):
    invoice = _invoiced(staff)
    url = reverse("orders:credit", args=[invoice.pk])
    staff_client.post(url, {"confirm": "1"})
    response = staff_client.get(url, follow=True)
    assert 'data-testid="confirm-credit"' not in response.content.decode()
    assert Invoice.objects.count() == 2


def test_wrong_status_move_is_a_message_not_an_error(staff_client):
    order = OrderFactory()
    response = staff_client.post(
        reverse("orders:invoice_issue", args=[order.pk]), {"confirm": "1"}, follow=True
    )
    assert response.status_code == 200
    assert not Invoice.objects.exists()


def test_cancel(staff_client):
    order = OrderFactory()
    staff_client.post(reverse("orders:cancel", args=[order.pk]))
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_contact_tab_lists_orders_and_invoices_in_few_queries(
    staff_client, staff, django_assert_max_num_queries
):
    contact = CustomerContactFactory()
    for _ in range(5):
        order = OrderFactory(contact=contact)
        OrderLineFactory.create_batch(3, order=order)
        services.order_recalculate(order=order)
        services.order_confirm(order=order, actor=staff)
        invoicing.invoice_issue(order=order, actor=staff)
    url = reverse("contacts:tab", args=[contact.pk, "orders"])
    with django_assert_max_num_queries(12):
        response = staff_client.get(url, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.count('data-testid="order-row"') == 5
    assert page.count('data-testid="invoice-row"') == 5
    assert "Ny ordre" in page or "New order" in page


def test_company_tab_lists_orders(staff_client):
    company = CompanyFactory(customer_number=880002)
    OrderFactory(contact=None, company=company)
    response = staff_client.get(reverse("companies:tab", args=[company.pk, "orders"]))
    assert response.content.decode().count('data-testid="order-row"') == 1


def test_tab_of_a_non_customer_offers_the_plus(staff_client):
    contact = ContactFactory(customer_number=None)
    response = staff_client.get(reverse("contacts:tab", args=[contact.pk, "orders"]))
    assert 'data-testid="not-customer"' in response.content.decode()


def test_order_and_invoice_pages_in_fixed_queries(
    staff_client, staff, django_assert_max_num_queries
):
    order = OrderFactory()
    OrderLineFactory.create_batch(20, order=order)
    services.order_recalculate(order=order)
    services.order_confirm(order=order, actor=staff)
    invoice = invoicing.invoice_issue(order=order, actor=staff)
    with django_assert_max_num_queries(10):
        assert staff_client.get(order.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(10):
        assert staff_client.get(invoice.get_absolute_url()).status_code == 200


def test_a_long_order_list_on_the_card_is_paginated(staff_client):
    contact = CustomerContactFactory()
    OrderFactory.create_batch(30, contact=contact)
    url = reverse("contacts:tab", args=[contact.pk, "orders"])
    first = staff_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert first.count('data-testid="order-row"') == 25
    assert "orders_page=2" in first
    second = staff_client.get(url, {"orders_page": 2}, headers={"HX-Request": "true"})
    assert second.content.decode().count('data-testid="order-row"') == 5


# --- amounts typed the Norwegian way --------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["1249,50", "1 249,50", "1\xa0249,50", "1\u202f249,50", "1249.50", "1.249,50"]
)
def test_a_price_typed_the_norwegian_way_is_saved_as_typed(staff_client, typed):
    contact = CustomerContactFactory()
    staff_client.post(
        reverse("orders:create_for_contact", args=[contact.pk]),
        {
            "date": "2026-11-26",
            **_line_data(rows=[{**ROW, "quantity": "1,5", "unit_price": typed}]),
        },
    )
    line = Order.objects.get().lines.get()
    assert line.unit_price == Decimal("1249.50")
    assert line.quantity == Decimal("1.5")


@pytest.mark.parametrize("typed", ["12,3,4", "abc", "1.249"])
def test_a_bad_amount_shows_the_form_again_with_a_message_and_the_text_kept(staff_client, typed):
    contact = CustomerContactFactory()
    response = staff_client.post(
        reverse("orders:create_for_contact", args=[contact.pk]),
        {"date": "2026-11-26", **_line_data(rows=[{**ROW, "unit_price": typed}])},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "for eksempel 1 249,50" in page
    assert f'value="{typed}"' in page
    assert 'value="Vindusvask"' in page
    assert not Order.objects.exists()


def test_the_edit_form_shows_amounts_the_norwegian_way(staff_client):
    order = OrderFactory()
    OrderLineFactory(order=order, quantity=Decimal("1.5"), unit_price=Decimal("1249.50"))
    page = staff_client.get(reverse("orders:update", args=[order.pk])).content.decode()
    assert 'value="1\xa0249,50"' in page
    assert 'value="1,5"' in page
    assert 'inputmode="decimal"' in page
    assert 'type="number"' not in page


def test_order_pages_show_kroner(staff_client, staff):
    order = OrderFactory()
    OrderLineFactory(order=order, quantity=1, unit_price=Decimal("1249.50"), vat_rate=0)
    services.order_recalculate(order=order)
    page = staff_client.get(order.get_absolute_url()).content.decode()
    assert 'data-testid="total-gross">1\xa0249,50\xa0kr<' in page
    tab = staff_client.get(reverse("contacts:tab", args=[order.contact.pk, "orders"]))
    assert "1\xa0249,50\xa0kr" in tab.content.decode()
    services.order_confirm(order=order, actor=staff)
    invoice = invoicing.invoice_issue(order=order, actor=staff)
    page = staff_client.get(invoice.get_absolute_url()).content.decode()
    assert "1\xa0249,50\xa0kr" in page and "NOK" not in page


def test_the_history_shows_the_order_amount_in_kroner(staff_client, staff):
    contact = CustomerContactFactory()
    line = {**ROW, "quantity": Decimal(1), "unit_price": Decimal("1249.50"), "vat_rate": 0}
    line["discount_percent"] = Decimal(0)
    order = services.order_create(customer=contact, lines=[line], actor=staff)
    services.order_confirm(order=order, actor=staff)
    invoicing.invoice_issue(order=order, actor=staff)
    tab = staff_client.get(reverse("contacts:tab", args=[contact.pk, "history"]))
    page = tab.content.decode()
    assert f"opprettet ordre {order.pk} (1\xa0249,50\xa0kr)" in page
    assert f"for ordre {order.pk} (1\xa0249,50\xa0kr)" in page
    assert "kr 1249.50" not in page


# --- «Lag faktura» asks first --------------------------------------------------------


def _confirmed(staff):
    order = OrderFactory()
    OrderLineFactory(order=order)
    services.order_recalculate(order=order)
    return services.order_confirm(order=order, actor=staff)


def _numbers_taken() -> int:
    return InvoiceCounter.objects.aggregate(n=Sum("last_number"))["n"] or 0


def test_one_click_on_create_invoice_takes_no_number(staff_client, staff):
    order = _confirmed(staff)
    detail = staff_client.get(order.get_absolute_url()).content.decode()
    url = reverse("orders:invoice_issue", args=[order.pk])
    assert f'href="{url}"' in detail  # «Lag faktura» is a link to the question
    response = staff_client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "fakturanummer" in page and "kan ikke angres" in page
    assert 'name="confirm"' in page and "<html" in page
    # A POST without the confirmation (an old page's button) asks too.
    response = staff_client.post(url)
    assert response.status_code == 200 and 'name="confirm"' in response.content.decode()
    assert not Invoice.objects.exists()
    assert _numbers_taken() == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED


def test_the_confirming_post_takes_exactly_one_number(staff_client, staff):
    order = _confirmed(staff)
    before = _numbers_taken()
    response = staff_client.post(
        reverse("orders:invoice_issue", args=[order.pk]), {"confirm": "1"}
    )
    invoice = Invoice.objects.get()
    assert response.status_code == 302 and response["Location"] == invoice.get_absolute_url()
    assert _numbers_taken() == before + 1 == invoice.number


def test_the_invoice_question_over_htmx_is_a_fragment(staff_client, staff):
    order = _confirmed(staff)
    response = staff_client.get(
        reverse("orders:invoice_issue", args=[order.pk]), headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert "<html" not in page and 'name="confirm"' in page
    assert response["Vary"] and "HX-Request" in response["Vary"]
    assert not Invoice.objects.exists()


def test_a_draft_order_is_not_asked_about_invoicing(staff_client):
    order = OrderFactory()
    response = staff_client.get(reverse("orders:invoice_issue", args=[order.pk]), follow=True)
    assert response.redirect_chain[-1][0] == order.get_absolute_url()
    assert 'name="confirm"' not in response.content.decode()
