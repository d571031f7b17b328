"""The invoice and the credit note as PDF (fpdf2: pure Python, no system libraries).

Laid out as a Norwegian invoice: the seller (org.nr with «MVA» when registered, and
«Foretaksregisteret»), the buyer with their org.nr, invoice, due and delivery dates, the
lines, VAT per rate, and the payment box (account, KID, amount, due date). Everything it
prints comes from the invoice row (its snapshot of seller and customer) and the order's
frozen lines, so the PDF of an invoice is the same whenever it is made.

The text is set in DejaVu Sans (``orders/fonts``, Bitstream Vera licence), embedded as a
subset: the PDF core fonts have no æ, ø, å beyond Latin-1 and no «−».
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from crm.money import amount_text, kr, quantity_text

from .models import Invoice

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
LOGO_MAX_HEIGHT = 20  # mm


def org_number_text(org_number: str, *, vat: bool, register: bool) -> str:
    """«Org.nr 923 609 016 MVA Foretaksregisteret» (bokføringsforskriften § 5-1-1)."""
    if not org_number:
        return ""
    digits = f"{org_number[:3]} {org_number[3:6]} {org_number[6:]}"
    parts = [_("Org. no. %(number)s") % {"number": digits}]
    if vat:
        parts.append("MVA")
    if register:
        parts.append("Foretaksregisteret")
    return " ".join(parts)


class _Sheet(FPDF):
    def __init__(self, footer_text: str):
        super().__init__(format="A4", unit="mm")
        self.footer_text = footer_text
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=22)

    def footer(self):
        self.set_y(-16)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(90)
        self.cell(0, 4, self.footer_text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.cell(0, 4, f"{self.page_no()}/{{nb}}", align="C")


def _logo(pdf: FPDF, invoice: Invoice) -> None:
    logo = invoice.seller_logo
    if logo is None:
        return
    # A logo that has gone missing from storage must not stop the invoice.
    with contextlib.suppress(Exception), default_storage.open(logo.key, "rb") as handle:
        pdf.image(handle, x=pdf.w - pdf.r_margin - 50, y=14, h=LOGO_MAX_HEIGHT, w=0)


def invoice_pdf(invoice: Invoice) -> bytes:
    """The PDF of an issued invoice or credit note, in Norwegian whatever the request's
    language (it goes to the customer)."""
    with translation.override("nb"):
        return _render(invoice)


def _render(invoice: Invoice) -> bytes:
    credit = invoice.is_credit_note
    seller_id = org_number_text(
        invoice.seller_org_number,
        vat=invoice.seller_vat_registered,
        register=invoice.seller_in_register,
    )
    footer = " · ".join(
        part
        for part in [invoice.seller_name, invoice.seller_address.replace("\n", ", "), seller_id]
        if part
    )
    pdf = _Sheet(footer)
    pdf.set_title(str(invoice))
    pdf.set_author(invoice.seller_name)
    pdf.add_page()
    _logo(pdf, invoice)

    # The seller, top left.
    pdf.set_font(FONT, "B", 13)
    pdf.cell(110, 7, invoice.seller_name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9)
    for line in [*invoice.seller_address.splitlines(), seller_id, invoice.seller_email]:
        if line:
            pdf.cell(110, 4.5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    # The title and the facts, right; the buyer, left.
    pdf.set_y(max(pdf.get_y(), 16 + LOGO_MAX_HEIGHT) + 10)
    top = pdf.get_y()
    pdf.set_font(FONT, "B", 10)
    pdf.cell(100, 5, invoice.customer_name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 10)
    for line in invoice.customer_address.splitlines():
        pdf.cell(100, 5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if invoice.customer_org_number:
        pdf.cell(
            100,
            5,
            org_number_text(invoice.customer_org_number, vat=False, register=False),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    buyer_bottom = pdf.get_y()

    facts = [
        (_("Credit note number") if credit else _("Invoice number"), str(invoice.number)),
        (
            _("Credit note date") if credit else _("Invoice date"),
            date_format(invoice.invoice_date, "SHORT_DATE_FORMAT"),
        ),
    ]
    if not credit:
        facts.append((_("Due date"), date_format(invoice.due_date, "SHORT_DATE_FORMAT")))
    if invoice.delivery_date:
        facts.append((_("Delivery date"), date_format(invoice.delivery_date, "SHORT_DATE_FORMAT")))
    facts.append((_("Customer number"), str(invoice.customer_number)))
    facts.append((_("Order"), str(invoice.order_id)))
    if invoice.order.reference:
        facts.append((_("Your reference"), invoice.order.reference))
    if credit and invoice.credited_invoice_id:
        facts.append((_("Credits invoice"), str(invoice.credited_invoice.number)))
    x = pdf.w - pdf.r_margin - 75
    pdf.set_xy(x, top - 9)
    pdf.set_font(FONT, "B", 16)
    pdf.cell(75, 8, _("CREDIT NOTE") if credit else _("INVOICE"), align="R")
    pdf.set_y(top)
    for label, value in facts:
        pdf.set_x(x)
        pdf.set_font(FONT, "", 9)
        pdf.cell(40, 5, label)
        pdf.set_font(FONT, "B", 9)
        pdf.cell(35, 5, value, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(buyer_bottom, pdf.get_y()) + 8)

    # The lines.
    sign = "-" if credit else ""
    widths = [64, 16, 26, 18, 18, 32]
    heads = [
        _("Description"),
        _("Quantity"),
        _("Unit price"),
        _("Discount %"),
        _("VAT"),
        _("Amount excl. VAT"),
    ]
    aligns = ["L", "R", "R", "R", "R", "R"]
    pdf.set_font(FONT, "B", 8.5)
    pdf.set_fill_color(235)
    for width, head, align in zip(widths, heads, aligns, strict=True):
        pdf.cell(width, 6, head, align=align, fill=True)
    pdf.ln(6)
    pdf.set_font(FONT, "", 8.5)
    for line in invoice.order.lines.all():
        cells = [
            line.description,
            quantity_text(line.quantity),
            sign + amount_text(line.unit_price),
            quantity_text(line.discount_percent) if line.discount_percent else "",
            line.vat_label,
            sign + amount_text(line.net_amount),
        ]
        lines_used = len(pdf.multi_cell(widths[0], 5, cells[0], dry_run=True, output="LINES"))
        if pdf.will_page_break(5 * lines_used):
            pdf.add_page()
        row_top = pdf.get_y()
        pdf.multi_cell(widths[0], 5, cells[0], new_x=XPos.RIGHT, new_y=YPos.TOP, align="L")
        for width, text, align in zip(widths[1:], cells[1:], aligns[1:], strict=True):
            pdf.cell(width, 5, text, align=align)
        pdf.set_xy(pdf.l_margin, row_top + 5 * lines_used)
        pdf.set_draw_color(220)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(4)

    # VAT per rate and the totals, right.
    totals = invoice.totals()
    x = pdf.w - pdf.r_margin - 100
    pdf.set_font(FONT, "B", 8.5)
    pdf.set_x(x)
    for width, head in zip(
        [25, 25, 25, 25], [_("VAT rate"), _("Basis"), _("VAT"), _("Amount")], strict=True
    ):
        pdf.cell(width, 5, head, align="R")
    pdf.ln(5)
    pdf.set_font(FONT, "", 8.5)
    for rate in totals.by_rate:
        pdf.set_x(x)
        for text in [rate.label, amount_text(rate.net), amount_text(rate.vat)]:
            pdf.cell(25, 5, text, align="R")
        pdf.cell(25, 5, amount_text(rate.gross), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    for label, value, bold in [
        (_("Total excl. VAT"), totals.net, False),
        (_("VAT"), totals.vat, False),
        (_("Total incl. VAT") if credit else _("Amount to pay"), totals.gross, True),
    ]:
        pdf.set_x(x)
        pdf.set_font(FONT, "B" if bold else "", 10 if bold else 9)
        pdf.cell(60, 6, label)
        pdf.cell(40, 6, kr(value), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)

    # The payment box.
    if not credit:
        rows = [
            (_("Account number"), invoice.seller_account_text),
            (_("KID"), invoice.kid),
            (_("Amount to pay"), kr(invoice.gross_total)),
            (_("Due date"), date_format(invoice.due_date, "SHORT_DATE_FORMAT")),
        ]
        if invoice.seller_iban:
            rows.append(("IBAN", invoice.seller_iban))
        if invoice.seller_bic:
            rows.append(("BIC", invoice.seller_bic))
        pdf.set_draw_color(120)
        top = pdf.get_y()
        pdf.set_font(FONT, "B", 10)
        pdf.cell(0, 7, "  " + _("Payment"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for label, value in rows:
            pdf.set_font(FONT, "", 9.5)
            pdf.cell(45, 6, "  " + label)
            pdf.set_font(FONT, "B", 10.5)
            pdf.cell(0, 6, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.rect(pdf.l_margin, top, pdf.w - pdf.l_margin - pdf.r_margin, pdf.get_y() - top + 2)
    else:
        pdf.set_font(FONT, "", 9.5)
        pdf.multi_cell(
            0,
            5,
            _("This credit note cancels invoice %(number)s in full.")
            % {"number": invoice.credited_invoice.number},
        )
    return bytes(pdf.output())
