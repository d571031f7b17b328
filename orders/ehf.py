"""EHF: the invoice or credit note as Peppol BIS Billing 3.0 (UBL 2.1) XML.

Written with the standard library's ElementTree, elements in the order the UBL 2.1 schema
demands (the tests validate every document against the official OASIS XSDs). What it
says comes from the invoice row's snapshot and the order's frozen lines, as the PDF does.

The Norwegian parts of BIS 3.0: the parties are identified by org.nr (scheme 0192), a
VAT-registered seller's VAT number is «NO<orgnr>MVA», and a seller in
Foretaksregisteret says so in a second PartyTaxScheme (TaxScheme «TAX»). Tax categories:
S for 25, 15 and 12 %, Z for 0 % (zero-rated), E for exempt. A credit note has positive
amounts and refers to the invoice it credits (BillingReference).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from crm.money import quantity_text

from . import money
from .models import Invoice

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
ROOT_NS = {
    "Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}
CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
ORGNR_SCHEME = "0192"
CURRENCY = "NOK"
UNIT = "EA"  # UN/ECE rec. 20: each
EXEMPT_REASON = "Unntatt merverdiavgift"
NOT_REGISTERED_REASON = "Selger er ikke registrert i Merverdiavgiftsregisteret"

# The root's own namespace gets a prefix too: ElementTree's default-namespace output
# refuses unprefixed attributes (currencyID), and a prefix is as valid to any XML reader.
for _prefix, _uri in {**NS, "inv": ROOT_NS["Invoice"], "cn": ROOT_NS["CreditNote"]}.items():
    ET.register_namespace(_prefix, _uri)


def _add(parent, tag: str, text=None, **attrs):
    prefix, local = tag.split(":")
    element = ET.SubElement(parent, f"{{{NS[prefix]}}}{local}", attrs)
    if text is not None:
        element.text = str(text)
    return element


def _amount(parent, name: str, value: Decimal):
    return _add(parent, name, f"{money.round_ore(value):.2f}", currencyID=CURRENCY)


def _category(invoice: Invoice, rate: int, exempt: bool) -> str:
    if not invoice.seller_vat_registered:
        return "O"  # outside the scope of VAT: a seller not registered charges none
    if exempt:
        return "E"
    return "Z" if rate == 0 else "S"


def _tax_category(parent, name: str, invoice: Invoice, rate: int, exempt: bool, *, reason: bool):
    category = _add(parent, name)
    code = _category(invoice, rate, exempt)
    _add(category, "cbc:ID", code)
    if code != "O":
        _add(category, "cbc:Percent", f"{rate}")
    if reason and code == "E":
        _add(category, "cbc:TaxExemptionReason", EXEMPT_REASON)
    if reason and code == "O":
        _add(category, "cbc:TaxExemptionReason", NOT_REGISTERED_REASON)
    _add(_add(category, "cac:TaxScheme"), "cbc:ID", "VAT")


def _address(parent, text: str, *, country: str = "NO"):
    address = _add(parent, "cac:PostalAddress")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    street = lines[0] if len(lines) > 1 else ""
    place = lines[-1] if lines else ""
    postcode, _, city = place.partition(" ")
    if not (postcode.isdigit() and city):
        postcode, city = "", place
    if street:
        _add(address, "cbc:StreetName", street)
    if city:
        _add(address, "cbc:CityName", city)
    if postcode:
        _add(address, "cbc:PostalZone", postcode)
    _add(_add(address, "cac:Country"), "cbc:IdentificationCode", country)


def _seller(root, invoice: Invoice):
    party = _add(_add(root, "cac:AccountingSupplierParty"), "cac:Party")
    _add(party, "cbc:EndpointID", invoice.seller_org_number, schemeID=ORGNR_SCHEME)
    _add(_add(party, "cac:PartyName"), "cbc:Name", invoice.seller_name)
    _address(party, invoice.seller_address)
    if invoice.seller_vat_registered:
        scheme = _add(party, "cac:PartyTaxScheme")
        _add(scheme, "cbc:CompanyID", f"NO{invoice.seller_org_number}MVA")
        _add(_add(scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
    if invoice.seller_in_register:
        scheme = _add(party, "cac:PartyTaxScheme")
        _add(scheme, "cbc:CompanyID", "Foretaksregisteret")
        _add(_add(scheme, "cac:TaxScheme"), "cbc:ID", "TAX")
    legal = _add(party, "cac:PartyLegalEntity")
    _add(legal, "cbc:RegistrationName", invoice.seller_name)
    _add(legal, "cbc:CompanyID", invoice.seller_org_number, schemeID=ORGNR_SCHEME)
    if invoice.seller_email:
        _add(_add(party, "cac:Contact"), "cbc:ElectronicMail", invoice.seller_email)


def _buyer(root, invoice: Invoice):
    party = _add(_add(root, "cac:AccountingCustomerParty"), "cac:Party")
    if invoice.customer_org_number:
        _add(party, "cbc:EndpointID", invoice.customer_org_number, schemeID=ORGNR_SCHEME)
    else:
        # A private customer has no Peppol address; EHF still needs one (BR-63).
        _add(party, "cbc:EndpointID", invoice.sent_to or "ukjent@example.invalid", schemeID="EM")
    _add(
        _add(party, "cac:PartyIdentification"),
        "cbc:ID",
        str(invoice.customer_number),
    )
    _add(_add(party, "cac:PartyName"), "cbc:Name", invoice.customer_name)
    _address(party, invoice.customer_address)
    legal = _add(party, "cac:PartyLegalEntity")
    _add(legal, "cbc:RegistrationName", invoice.customer_name)
    if invoice.customer_org_number:
        _add(legal, "cbc:CompanyID", invoice.customer_org_number, schemeID=ORGNR_SCHEME)


def _payment(root, invoice: Invoice):
    means = _add(root, "cac:PaymentMeans")
    _add(means, "cbc:PaymentMeansCode", "30", name="Credit transfer")
    _add(means, "cbc:PaymentID", invoice.kid)
    account = _add(means, "cac:PayeeFinancialAccount")
    _add(account, "cbc:ID", invoice.seller_bank_account or invoice.seller_iban)
    if invoice.seller_bic and not invoice.seller_bank_account:
        branch = _add(account, "cac:FinancialInstitutionBranch")
        _add(branch, "cbc:ID", invoice.seller_bic)
    terms = _add(root, "cac:PaymentTerms")
    days = (invoice.due_date - invoice.invoice_date).days
    _add(terms, "cbc:Note", f"{days} dager netto")


def _line(root, kind: str, invoice: Invoice, position: int, line) -> Decimal:
    element = _add(root, f"cac:{kind}Line")
    _add(element, "cbc:ID", str(position))
    quantity_name = "cbc:InvoicedQuantity" if kind == "Invoice" else "cbc:CreditedQuantity"
    _add(element, quantity_name, f"{line.quantity.normalize():f}", unitCode=UNIT)
    net = line.net_amount
    _amount(element, "cbc:LineExtensionAmount", net)
    gross = money.round_ore(line.quantity * line.unit_price)
    if gross != net:
        allowance = _add(element, "cac:AllowanceCharge")
        _add(allowance, "cbc:ChargeIndicator", "false")
        _add(allowance, "cbc:AllowanceChargeReasonCode", "95")
        _add(
            allowance,
            "cbc:AllowanceChargeReason",
            f"Rabatt {quantity_text(line.discount_percent)} %",
        )
        _amount(allowance, "cbc:Amount", gross - net)
        _amount(allowance, "cbc:BaseAmount", gross)
    item = _add(element, "cac:Item")
    _add(item, "cbc:Name", line.description)
    _tax_category(
        item, "cac:ClassifiedTaxCategory", invoice, line.vat_rate, line.vat_exempt, reason=False
    )
    price = _add(element, "cac:Price")
    _amount(price, "cbc:PriceAmount", line.unit_price)
    return net


def invoice_xml(invoice: Invoice) -> bytes:
    """The EHF document (UTF-8 bytes with an XML declaration)."""
    kind = "CreditNote" if invoice.is_credit_note else "Invoice"
    root = ET.Element(f"{{{ROOT_NS[kind]}}}{kind}")
    _add(root, "cbc:CustomizationID", CUSTOMIZATION)
    _add(root, "cbc:ProfileID", PROFILE)
    _add(root, "cbc:ID", str(invoice.number))
    _add(root, "cbc:IssueDate", invoice.invoice_date.isoformat())
    if kind == "Invoice":
        _add(root, "cbc:DueDate", invoice.due_date.isoformat())
        _add(root, "cbc:InvoiceTypeCode", "380")
    else:
        _add(root, "cbc:CreditNoteTypeCode", "381")
    _add(root, "cbc:DocumentCurrencyCode", CURRENCY)
    _add(root, "cbc:BuyerReference", invoice.order.reference or str(invoice.customer_number))
    _add(_add(root, "cac:OrderReference"), "cbc:ID", str(invoice.order_id))
    if kind == "CreditNote":
        reference = _add(_add(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        _add(reference, "cbc:ID", str(invoice.credited_invoice.number))
        _add(reference, "cbc:IssueDate", invoice.credited_invoice.invoice_date.isoformat())
    _seller(root, invoice)
    _buyer(root, invoice)
    if invoice.delivery_date:
        _add(
            _add(root, "cac:Delivery"), "cbc:ActualDeliveryDate", invoice.delivery_date.isoformat()
        )
    if kind == "Invoice":
        _payment(root, invoice)

    # Amounts are positive on a credit note too: the document type says which way.
    totals = invoice.order.totals()
    tax_total = _add(root, "cac:TaxTotal")
    _amount(tax_total, "cbc:TaxAmount", totals.vat)
    for rate in totals.by_rate:
        subtotal = _add(tax_total, "cac:TaxSubtotal")
        _amount(subtotal, "cbc:TaxableAmount", rate.net)
        _amount(subtotal, "cbc:TaxAmount", rate.vat)
        _tax_category(subtotal, "cac:TaxCategory", invoice, rate.rate, rate.exempt, reason=True)
    monetary = _add(root, "cac:LegalMonetaryTotal")
    _amount(monetary, "cbc:LineExtensionAmount", totals.net)
    _amount(monetary, "cbc:TaxExclusiveAmount", totals.net)
    _amount(monetary, "cbc:TaxInclusiveAmount", totals.gross)
    _amount(monetary, "cbc:PayableAmount", totals.gross)
    for position, line in enumerate(invoice.order.lines.all(), start=1):
        _line(root, kind, invoice, position, line)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def ehf_name(invoice: Invoice) -> str:
    kind = "kreditnota" if invoice.is_credit_note else "faktura"
    return f"{kind}-{invoice.number}.xml"
