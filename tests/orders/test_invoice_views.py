"""The firm's details page, PDF and EHF downloads, «Send faktura», and what goes wrong."""

import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from history.models import Entry
from orders import invoicing, sending, services
from orders.models import FirmDetails, Invoice, Order, OrderStatus
from tests.companies.factories import CompanyFactory
from tests.contacts.factories import ContactEmailFactory, CustomerContactFactory
from tests.orders.factories import OrderFactory, OrderLineFactory
from tests.orders.test_invoice_documents import schema_errors
from tests.orders.test_views import ROW, _line_data

pytestmark = pytest.mark.django_db

FIRM_POST = {
    "name": "Nordlys Rør AS",
    "street_address": "Fjordveien 2",
    "postcode": "9008",
    "city": "Tromsø",
    "org_number": "974 760 673",
    "in_register": "on",
    "vat_registered": "on",
    "bank_account": "1234 56 78903",
    "iban": "NO93 8601 1117 947",
    "bic": "DNBANOKKXXX",
    "payment_terms_days": "10",
    "default_vat": "15",
    "invoice_email": "faktura@nordlys.example",
}


def _png(size=(40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 60, 120)).save(buffer, "PNG")
    return buffer.getvalue()


def _invoice(staff, *, customer=None, email="kunde@example.no") -> Invoice:
    customer = customer or CustomerContactFactory()
    if email and hasattr(customer, "emails"):
        ContactEmailFactory(contact=customer, email=email)
    order = OrderFactory(contact=customer)
    OrderLineFactory(order=order, quantity=1, unit_price=Decimal("1000.00"))
    services.order_recalculate(order=order)
    services.order_confirm(order=order, actor=staff)
    return invoicing.invoice_issue(order=order, actor=staff)


# --- access ---------------------------------------------------------------------------------


def _invoice_urls(invoice):
    return [
        ("get", reverse("orders:invoice_pdf", args=[invoice.pk])),
        ("get", reverse("orders:invoice_ehf", args=[invoice.pk])),
        ("get", reverse("orders:invoice_send", args=[invoice.pk])),
        ("post", reverse("orders:invoice_send", args=[invoice.pk])),
    ]


def test_anonymous_users_are_sent_to_login(client, staff):
    invoice = _invoice(staff)
    urls = [*_invoice_urls(invoice), ("get", reverse("orders:firm_details"))]
    urls.append(("post", reverse("orders:firm_details")))
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert reverse("login") in response["Location"]
    assert not mail.outbox


def test_users_without_crm_access_get_403(client, staff, no_access_user):
    invoice = _invoice(staff)
    client.force_login(no_access_user)
    for method, url in [*_invoice_urls(invoice), ("get", reverse("orders:firm_details"))]:
        assert getattr(client, method)(url).status_code == 403, url
    assert not mail.outbox


def test_the_firms_details_are_for_administrators_only(staff_client, firm):
    assert staff_client.get(reverse("orders:firm_details")).status_code == 403
    response = staff_client.post(reverse("orders:firm_details"), FIRM_POST)
    assert response.status_code == 403
    firm.refresh_from_db()
    assert firm.name == "Fjordfrukt Regnskap AS"


@pytest.mark.parametrize(
    "name", ["orders:invoice_pdf", "orders:invoice_ehf", "orders:invoice_send"]
)
def test_missing_invoices_are_404(staff_client, name):
    assert staff_client.get(reverse(name, args=[999999])).status_code == 404


# --- the firm's details -----------------------------------------------------------------------


def test_an_administrator_enters_the_firms_details_as_typed(client, firm_admin):
    FirmDetails.objects.all().delete()
    client.force_login(firm_admin)
    page = client.get(reverse("orders:firm_details")).content.decode()
    assert "Firmaopplysninger" in page
    logo = SimpleUploadedFile("logo.png", _png(), content_type="image/png")
    response = client.post(reverse("orders:firm_details"), {**FIRM_POST, "logo_upload": logo})
    assert response.status_code == 302
    details = FirmDetails.objects.get()
    assert details.org_number == "974760673"
    assert details.bank_account == "12345678903"
    assert details.iban == "NO9386011117947"
    assert details.payment_terms_days == 10
    assert details.logo.content_type == "image/png"
    page = client.get(reverse("orders:firm_details")).content.decode()
    assert 'value="1234 56 78903"' in page


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("bank_account", "1234 56 78904", "ikke et gyldig norsk kontonummer"),
        ("bank_account", "12345", "ikke et gyldig norsk kontonummer"),
        ("org_number", "123456789", "organisasjonsnummer"),
        ("iban", "NO93 8601 1117 948", "ikke et gyldig IBAN"),
        ("bic", "NOPE", "ikke en gyldig BIC"),
        ("invoice_email", "ikke-epost", "e-post"),
        ("payment_terms_days", "9999", "365"),
    ],
)
def test_bad_firm_details_are_refused_with_the_text_kept(
    client, firm_admin, field, typed, message
):
    client.force_login(firm_admin)
    response = client.post(reverse("orders:firm_details"), {**FIRM_POST, field: typed})
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert f'value="{typed}"' in page
    assert FirmDetails.objects.get().name == "Fjordfrukt Regnskap AS"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"%PDF-1.4 not an image", "logo.png"),
        (b"GIF89a" + b"\x00" * 20, "logo.gif"),
        (_png((3000, 3000))[:10] + b"\x00" * (1024 * 1024 + 10), "big.png"),
    ],
)
def test_a_logo_that_is_no_png_or_jpeg_or_too_big_is_refused(client, firm_admin, content, name):
    client.force_login(firm_admin)
    logo = SimpleUploadedFile(name, content, content_type="image/png")
    response = client.post(reverse("orders:firm_details"), {**FIRM_POST, "logo_upload": logo})
    assert response.status_code == 200
    assert 'class="invalid-feedback' in response.content.decode()
    assert FirmDetails.objects.get().logo is None


def test_new_order_lines_start_at_the_firms_default_vat(staff_client, firm):
    firm.default_vat = "exempt"
    firm.save()
    contact = CustomerContactFactory()
    page = staff_client.get(reverse("orders:create_for_contact", args=[contact.pk])).content
    assert re.search(rb'<option value="exempt"\s+selected>', page)


def test_an_exempt_line_is_saved_and_shown_apart_from_zero_rated(staff_client):
    contact = CustomerContactFactory()
    rows = [{**ROW, "vat_rate": "exempt"}, {**ROW, "vat_rate": "0"}]
    staff_client.post(
        reverse("orders:create_for_contact", args=[contact.pk]),
        {"date": "2026-11-26", **_line_data(rows=rows)},
    )
    order = Order.objects.get()
    assert [(line.vat_rate, line.vat_exempt) for line in order.lines.all()] == [
        (0, True),
        (0, False),
    ]
    page = staff_client.get(order.get_absolute_url()).content.decode()
    assert "Fritatt" in page and "0 %" in page


# --- issuing needs the seller ----------------------------------------------------------------


def test_without_the_firms_details_the_question_links_to_them_and_no_number_is_taken(
    staff_client, staff
):
    FirmDetails.objects.all().delete()
    order = OrderFactory(status=OrderStatus.CONFIRMED)
    OrderLineFactory(order=order)
    url = reverse("orders:invoice_issue", args=[order.pk])
    page = staff_client.get(url).content.decode()
    assert 'data-testid="no-firm-details"' in page
    assert reverse("orders:firm_details") in page
    assert 'name="confirm"' not in page
    response = staff_client.post(url, {"confirm": "1"}, follow=True)
    assert "Firmaets egne opplysninger" in response.content.decode()
    assert not Invoice.objects.exists()


def test_issuing_saves_the_pdf_in_the_customers_files(staff_client, staff):
    order = OrderFactory(status=OrderStatus.CONFIRMED)
    OrderLineFactory(order=order)
    services.order_recalculate(order=order)
    staff_client.post(reverse("orders:invoice_issue", args=[order.pk]), {"confirm": "1"})
    invoice = Invoice.objects.get()
    assert invoice.pdf is not None
    assert invoice.pdf.links.get().contact == order.contact


# --- PDF and EHF ---------------------------------------------------------------------------


def test_the_pdf_download_is_the_invoice(staff_client, staff):
    invoice = _invoice(staff)
    response = staff_client.get(reverse("orders:invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert invoice.kid in text and "1234 56 78903" in text


def test_the_ehf_download_is_valid_ubl(staff_client, staff):
    invoice = _invoice(staff)
    response = staff_client.get(reverse("orders:invoice_ehf", args=[invoice.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert f"faktura-{invoice.number}.xml" in response["Content-Disposition"]
    assert schema_errors(response.content) == []


def test_the_invoice_page_shows_the_seller_and_the_account(staff_client, staff):
    invoice = _invoice(staff)
    page = staff_client.get(invoice.get_absolute_url()).content.decode()
    assert "Fjordfrukt Regnskap AS" in page
    assert "Org.nr. 923 609 016 MVA Foretaksregisteret" in page
    assert "1234 56 78903" in page
    for name in ("orders:invoice_pdf", "orders:invoice_ehf", "orders:invoice_send"):
        assert reverse(name, args=[invoice.pk]) in page


# --- «Send faktura» -------------------------------------------------------------------------


def test_send_asks_first_and_sends_nothing_on_a_get(staff_client, staff):
    invoice = _invoice(staff)
    page = staff_client.get(reverse("orders:invoice_send", args=[invoice.pk])).content.decode()
    assert 'data-testid="confirm-send"' in page
    assert "kunde@example.no" in page
    assert not mail.outbox


def test_send_mails_the_pdf_once_through_the_mailer_and_records_it(staff_client, staff):
    invoice = _invoice(staff)
    response = staff_client.post(reverse("orders:invoice_send", args=[invoice.pk]), follow=True)
    assert "Fakturaen ble sendt til kunde@example.no" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kunde@example.no"]
    assert message.from_email == "faktura@fjordfrukt.example"
    assert f"Faktura {invoice.number}" in message.subject
    assert invoice.kid in message.body
    [(name, content, kind)] = message.attachments
    assert (name, kind) == (f"Faktura {invoice.number}.pdf", "application/pdf")
    assert invoice.kid in PdfReader(io.BytesIO(content)).pages[0].extract_text()
    invoice.refresh_from_db()
    assert invoice.sent_to == "kunde@example.no" and invoice.sent_at is not None
    entry = Entry.objects.get(verb="orders.sent")
    assert entry.data == {"number": invoice.number, "to": "kunde@example.no"}


def test_a_company_invoice_goes_to_the_companys_email(staff):
    company = CompanyFactory(customer_number=77, email="post@bedrift.example")
    order = OrderFactory(contact=None, company=company)
    OrderLineFactory(order=order)
    services.order_recalculate(order=order)
    services.order_confirm(order=order)
    invoice = invoicing.invoice_issue(order=order)
    sending.invoice_send(invoice=invoice, actor=staff)
    assert [m.to for m in mail.outbox] == [["post@bedrift.example"]]


def test_no_address_means_nothing_sent_and_a_message(staff_client, staff):
    invoice = _invoice(staff, email="")
    response = staff_client.post(reverse("orders:invoice_send", args=[invoice.pk]), follow=True)
    assert "har ingen e-postadresse" in response.content.decode()
    assert not mail.outbox
    invoice.refresh_from_db()
    assert invoice.sent_at is None
    assert not Entry.objects.filter(verb="orders.sent").exists()


def _smtp(settings, host, port):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": host, "port": port, "use_tls": False, "timeout": 5},
        }
    }


def test_a_mail_server_that_refuses_is_never_called_sent(staff_client, staff, settings):
    from tests.mailbox.dovecot import free_port

    _smtp(settings, "127.0.0.1", free_port())  # nothing listens there
    invoice = _invoice(staff)
    response = staff_client.post(reverse("orders:invoice_send", args=[invoice.pk]), follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "E-postserveren tok ikke imot fakturaen" in page
    assert "ble sendt" not in page
    invoice.refresh_from_db()
    assert invoice.sent_at is None
    assert not Entry.objects.filter(verb="orders.sent").exists()


def test_send_goes_through_a_real_smtp_server(staff, settings, smtp_server):
    controller, handler = smtp_server
    _smtp(settings, controller.hostname, controller.port)
    invoice = _invoice(staff)
    sending.invoice_send(invoice=invoice, actor=staff)
    assert len(handler.messages) == 1
    envelope = handler.messages[0]
    assert envelope.rcpt_tos == ["kunde@example.no"]
    assert envelope.mail_from == "faktura@fjordfrukt.example"
    assert b"application/pdf" in envelope.content


# --- hostile input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": "x" * 5000, "org_number": "\x00", "bank_account": "<script>"},
        {**FIRM_POST, "payment_terms_days": "-1", "default_vat": "99"},
        {**FIRM_POST, "iban": "\u202e" * 40, "bic": "ÆØÅ" * 10},
    ],
)
def test_hostile_firm_details_are_form_errors_not_5xx(client, firm_admin, data):
    client.force_login(firm_admin)
    response = client.post(reverse("orders:firm_details"), data)
    assert response.status_code == 200
    assert FirmDetails.objects.get().name == "Fjordfrukt Regnskap AS"


def test_a_comma_in_a_price_survives_a_form_error_and_a_second_try(staff_client):
    contact = CustomerContactFactory()
    url = reverse("orders:create_for_contact", args=[contact.pk])
    first = {**ROW, "description": "", "unit_price": "1 249,50", "quantity": "1,5"}
    response = staff_client.post(url, {"date": "2026-11-26", **_line_data(rows=[first])})
    page = response.content.decode()
    assert response.status_code == 200 and not Order.objects.exists()
    assert 'value="1 249,50"' in page and 'value="1,5"' in page
    second = {**first, "description": "Vindusvask"}
    staff_client.post(url, {"date": "2026-11-26", **_line_data(rows=[second])})
    line = Order.objects.get().lines.get()
    assert (line.unit_price, line.quantity) == (Decimal("1249.50"), Decimal("1.5"))


def test_a_posted_clear_box_for_the_logo_is_no_error(client, firm_admin):
    client.force_login(firm_admin)
    data = {**FIRM_POST, "logo_upload": "x", "logo_upload-clear": "on"}
    assert client.post(reverse("orders:firm_details"), data).status_code == 302


def test_sending_inside_a_transaction_is_refused_before_any_mail(staff):
    from django.db import transaction

    invoice = _invoice(staff)
    with pytest.raises(RuntimeError), transaction.atomic():
        sending.invoice_send(invoice=invoice, actor=staff)
    assert not mail.outbox
