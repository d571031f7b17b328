"""Orders for customers and the invoices and credit notes made from them (SPEC A4)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.validators import validate_orgnr
from crm.owners import exactly_one, owner_fk
from crm.timestamps import TimeStampedModel

from . import money
from .validators import validate_bank_account, validate_bic, validate_iban


class VatRate(models.IntegerChoices):
    STANDARD = 25, _("25 % (standard)")
    FOOD = 15, _("15 % (food)")
    LOW = 12, _("12 % (transport, hotels, culture)")
    ZERO = 0, _("0 % (zero-rated)")


# A line's VAT as the order form and the firm's default choose it: a rate, or «exempt»
# (outside the VAT rules, merverdiavgiftsloven kap. 3): no VAT, and shown apart from 0 %
# (zero-rated, kap. 6) on the invoice and in EHF (tax category E, not Z).
VAT_EXEMPT = "exempt"
VAT_CHOICES = [
    ("25", _("25 % (standard)")),
    ("15", _("15 % (food)")),
    ("12", _("12 % (transport, hotels, culture)")),
    ("0", _("0 % (zero-rated)")),
    (VAT_EXEMPT, _("Exempt from VAT")),
]


def vat_code(rate: int, exempt: bool) -> str:
    return VAT_EXEMPT if exempt else str(rate)


def vat_from_code(code: str) -> tuple[int, bool]:
    """(rate, exempt) for a choice of ``VAT_CHOICES``."""
    return (0, True) if code == VAT_EXEMPT else (int(code), False)


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")
    INVOICED = "invoiced", _("Invoiced")
    CANCELLED = "cancelled", _("Cancelled")


class Order(TimeStampedModel):
    """An order for exactly one customer: a private customer (contact) or a company.

    Status moves draft → confirmed → invoiced, or to cancelled before it is invoiced;
    the services enforce the moves. The totals are kept on the row (written by the
    services whenever the lines change) so lists show amounts without reading lines.
    """

    contact = owner_fk(
        "contact",
        related_name="orders",
        on_delete=models.PROTECT,
        verbose_name=_("private customer"),
    )
    company = owner_fk("company", related_name="orders", on_delete=models.PROTECT)
    date = models.DateField(_("order date"), default=timezone.localdate)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OrderStatus, default=OrderStatus.DRAFT
    )
    net_total = models.DecimalField(
        _("total excl. VAT"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    vat_total = models.DecimalField(
        _("VAT"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    gross_total = models.DecimalField(
        _("total incl. VAT"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-date", "-id"]
        constraints = [
            exactly_one(
                "contact",
                "company",
                name="order_exactly_one_customer",
                violation_error_message=_("An order has exactly one customer."),
            ),
        ]
        indexes = [
            models.Index(fields=["contact", "-date"], name="order_contact_idx"),
            models.Index(fields=["company", "-date"], name="order_company_idx"),
        ]

    def __str__(self):
        return _("Order %(number)s") % {"number": self.pk}

    @property
    def customer(self):
        return self.contact if self.contact_id else self.company

    @property
    def customer_name(self) -> str:
        customer = self.customer
        return customer.full_name if self.contact_id else customer.name

    @property
    def is_editable(self) -> bool:
        return self.status == OrderStatus.DRAFT

    def totals(self) -> money.Totals:
        return money.totals(self.lines.all())

    def get_absolute_url(self):
        return reverse("orders:detail", args=[self.pk])


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=3,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    unit_price = models.DecimalField(
        _("unit price"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    vat_rate = models.PositiveSmallIntegerField(
        _("VAT rate"), choices=VatRate, default=VatRate.STANDARD
    )
    vat_exempt = models.BooleanField(_("exempt from VAT"), default=False)
    discount_percent = models.DecimalField(
        _("discount %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(vat_rate__in=[25, 15, 12, 0]), name="orderline_vat_rate_known"
            ),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0) & Q(discount_percent__lte=100),
                name="orderline_discount_range",
            ),
            models.CheckConstraint(
                condition=Q(vat_exempt=False) | Q(vat_rate=0), name="orderline_exempt_no_vat"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orderline_quantity_pos"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="orderline_price_nonneg"),
        ]

    def __str__(self):
        return self.description

    @property
    def net_amount(self) -> Decimal:
        return money.line_net(self.quantity, self.unit_price, self.discount_percent)

    @property
    def vat_amount(self) -> Decimal:
        return money.line_vat(self.net_amount, self.vat_rate)

    @property
    def vat_label(self) -> str:
        return money.vat_label(self.vat_rate, self.vat_exempt)


class InvoiceCounter(models.Model):
    """The last number of the gap-free invoice series, one row per series.

    Numbers are taken with ``SELECT … FOR UPDATE`` on this row inside the transaction that
    saves the invoice: a second invoicing waits for the first to commit, and a rolled-back
    invoicing rolls its number back with it. (A PostgreSQL sequence would be faster but
    skips numbers on rollback, which the bookkeeping rules do not allow.)
    """

    series = models.CharField(max_length=20, primary_key=True)
    last_number = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("invoice number series")
        verbose_name_plural = _("invoice number series")

    def __str__(self):
        return f"{self.series}: {self.last_number}"


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit", _("Credit note")


class Invoice(TimeStampedModel):
    """An invoice made from a confirmed order, or a credit note for a whole invoice.

    Both are numbered from one gap-free series (see ``InvoiceCounter``): a credit note is
    a sales document too, and one series means every number is used exactly once. The
    customer and the amounts are copied here when it is issued: an issued invoice never
    changes, whatever later happens to the customer's card.
    """

    kind = models.CharField(
        _("kind"), max_length=10, choices=InvoiceKind, default=InvoiceKind.INVOICE
    )
    number = models.PositiveBigIntegerField(_("invoice number"), unique=True, editable=False)
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="invoices"
    )
    credited_invoice = models.OneToOneField(
        "self",
        verbose_name=_("credits invoice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_note",
    )
    invoice_date = models.DateField(_("invoice date"))
    due_date = models.DateField(_("due date"))
    kid = models.CharField(_("KID"), max_length=25)
    customer_number = models.PositiveBigIntegerField(_("customer number"))
    customer_name = models.CharField(_("customer"), max_length=300)
    customer_address = models.TextField(_("customer address"), blank=True)
    customer_org_number = models.CharField(
        _("customer's organisation number"), max_length=9, blank=True
    )
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    # The seller as the firm's details stood when the invoice was issued (FirmDetails):
    # an issued invoice never changes when the firm moves or changes its bank account.
    seller_name = models.CharField(_("seller"), max_length=200, blank=True)
    seller_address = models.TextField(_("seller's address"), blank=True)
    seller_org_number = models.CharField(
        _("seller's organisation number"), max_length=9, blank=True
    )
    seller_in_register = models.BooleanField(_("in Foretaksregisteret"), default=False)
    seller_vat_registered = models.BooleanField(_("registered for VAT"), default=False)
    seller_bank_account = models.CharField(_("bank account"), max_length=11, blank=True)
    seller_iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    seller_bic = models.CharField(_("BIC"), max_length=11, blank=True)
    seller_email = models.EmailField(_("invoice e-mail sender"), blank=True)
    seller_logo = models.ForeignKey(
        "files.StoredFile",
        verbose_name=_("logo"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    pdf = models.ForeignKey(
        "files.StoredFile",
        verbose_name=_("PDF"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_to = models.EmailField(_("sent to"), blank=True)
    net_total = models.DecimalField(_("total excl. VAT"), max_digits=14, decimal_places=2)
    vat_total = models.DecimalField(_("VAT"), max_digits=14, decimal_places=2)
    gross_total = models.DecimalField(_("total incl. VAT"), max_digits=14, decimal_places=2)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="invoice") & Q(credited_invoice__isnull=True))
                | (Q(kind="credit") & Q(credited_invoice__isnull=False)),
                name="invoice_credit_note_credits_one",
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("invoice_date")),
                name="invoice_due_after_date",
            ),
        ]

    def __str__(self):
        if self.kind == InvoiceKind.CREDIT_NOTE:
            return _("Credit note %(number)s") % {"number": self.number}
        return _("Invoice %(number)s") % {"number": self.number}

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE

    @property
    def credit_note_or_none(self):
        try:
            return self.credit_note
        except Invoice.DoesNotExist:
            return None

    @property
    def seller_account_text(self) -> str:
        return money.account_text(self.seller_bank_account)

    @property
    def pdf_name(self) -> str:
        if self.is_credit_note:
            return _("Credit note %(number)s.pdf") % {"number": self.number}
        return _("Invoice %(number)s.pdf") % {"number": self.number}

    def totals(self) -> money.Totals:
        """Per VAT rate, from the order's lines (frozen once the order is invoiced)."""
        totals = self.order.totals()
        return totals.negated() if self.is_credit_note else totals

    def get_absolute_url(self):
        return reverse("orders:invoice", args=[self.pk])


class FirmDetails(models.Model):
    """The firm's own details as a seller: one row (pk 1), edited by administrators.

    Kept in orders because only invoicing uses them (bokføringsforskriften § 5-1-1: the
    seller's name, address, org.nr with «MVA» when registered); an invoice copies them
    when it is issued, so a later change never alters an issued invoice.
    """

    name = models.CharField(_("firm name"), max_length=200)
    street_address = models.CharField(_("street address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=10)
    city = models.CharField(_("city"), max_length=100)
    org_number = models.CharField(
        _("organisation number"), max_length=9, validators=[validate_orgnr]
    )
    in_register = models.BooleanField(
        _("registered in Foretaksregisteret"),
        default=True,
        help_text=_("Shown as «Foretaksregisteret» after the organisation number."),
    )
    vat_registered = models.BooleanField(
        _("registered for VAT"),
        default=True,
        help_text=_("Shown as «MVA» after the organisation number."),
    )
    bank_account = models.CharField(
        _("bank account"), max_length=11, validators=[validate_bank_account]
    )
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True, validators=[validate_bic])
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"),
        default=14,
        validators=[MaxValueValidator(365)],
    )
    default_vat = models.CharField(
        _("default VAT for new lines"), max_length=10, choices=VAT_CHOICES, default="25"
    )
    invoice_email = models.EmailField(
        _("invoice e-mail sender"),
        help_text=_("Invoices are sent from this address, and replies come back to it."),
    )
    logo = models.ForeignKey(
        "files.StoredFile",
        verbose_name=_("logo"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("firm details")
        verbose_name_plural = _("firm details")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="firmdetails_one_row")]

    def __str__(self):
        return self.name

    @property
    def address(self) -> str:
        return f"{self.street_address}\n{self.postcode} {self.city}".strip()

    @property
    def account_text(self) -> str:
        return money.account_text(self.bank_account)
