from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast, Replace, Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from phonenumber_field.modelfields import PhoneNumberField

from contacts.models import Contact, categories_field, owner_field
from contacts.sorting import NorwegianSortKey
from crm.timestamps import TimeStampedModel

from .validators import validate_orgnr


class RegisterStatus(models.TextChoices):
    """The company register's last answer for the company's organisation number."""

    FOUND = "found", _("Found in the register")
    NOT_FOUND = "not_found", _("Not in the register")
    REMOVED = "removed", _("Removed from public view")


class Company(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    # Stored compact (nine digits), shown as «988 077 917».
    org_number = models.CharField(
        _("organisation number"), max_length=9, blank=True, validators=[validate_orgnr]
    )
    customer_number = models.PositiveBigIntegerField(
        _("customer number"), null=True, blank=True, unique=True, editable=False
    )
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="NO")
    phone = PhoneNumberField(_("phone"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    categories = categories_field("companies")
    owner = owner_field("owned_companies")
    sort_key = models.GeneratedField(
        expression=NorwegianSortKey("name"),
        output_field=models.TextField(db_collation="C"),
        db_persist=True,
    )
    # The phone's digits (E.164 without «+»), for the phone search: a typed «22 33 44 55»
    # or «+47 22334455» matches however the number was stored (as contacts.phone_digits).
    phone_digits = models.GeneratedField(
        expression=Replace("phone", models.Value("+"), output_field=models.TextField()),
        output_field=models.TextField(),
        db_persist=True,
    )
    people = models.ManyToManyField(
        Contact, through="CompanyLink", related_name="companies", verbose_name=_("people")
    )
    # What the company register (Enhetsregisteret) said when last asked: filled in by
    # companies.register.services, never typed by hand. Database defaults too, so a bulk
    # COPY that does not name these columns still loads.
    organisation_form = models.CharField(
        _("organisation form"), max_length=20, blank=True, db_default=""
    )
    organisation_form_text = models.CharField(
        _("organisation form (text)"), max_length=300, blank=True, db_default=""
    )
    industry_code = models.CharField(_("industry code"), max_length=20, blank=True, db_default="")
    industry_text = models.CharField(_("industry"), max_length=300, blank=True, db_default="")
    mva_registered = models.BooleanField(_("registered for VAT"), null=True, blank=True)
    bankrupt = models.BooleanField(_("bankrupt"), default=False, db_default=False)
    under_liquidation = models.BooleanField(
        _("under liquidation"), default=False, db_default=False
    )
    dissolved_on = models.DateField(_("deleted from the register"), null=True, blank=True)
    business_street_address = models.CharField(
        _("business address"), max_length=400, blank=True, db_default=""
    )
    business_postcode = models.CharField(
        _("business postcode"), max_length=10, blank=True, db_default=""
    )
    business_city = models.CharField(_("business city"), max_length=100, blank=True, db_default="")
    register_parent_org_number = models.CharField(
        _("main unit"), max_length=9, blank=True, db_default="", validators=[validate_orgnr]
    )
    register_status = models.CharField(
        _("register status"),
        max_length=12,
        blank=True,
        db_default="",
        choices=RegisterStatus.choices,
    )
    register_checked_at = models.DateTimeField(_("checked in the register"), null=True, blank=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["sort_key", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name__regex=r"^\s*$"),
                name="company_name_not_blank",
                violation_error_message=_("A company needs a name."),
            ),
            # One company per org.nr (issue 18); any number of companies without one.
            models.UniqueConstraint(
                fields=["org_number"],
                condition=~Q(org_number=""),
                name="company_orgnr_unique",
                violation_error_message=_("Another company has this organisation number."),
            ),
        ]
        indexes = [
            # The start page's «recently added» (companies.selectors.company_recent).
            models.Index(
                models.F("created_at").desc(), models.F("id").desc(), name="company_recent_idx"
            ),
            models.Index(fields=["sort_key", "id"], name="company_sort_idx"),
            models.Index(fields=["org_number"], name="company_orgnr_idx"),
            # manage.py refresh_companies: the longest unchecked first.
            models.Index(
                models.F("register_checked_at").asc(nulls_first=True),
                models.F("id"),
                name="company_register_checked_idx",
                condition=~Q(org_number=""),
            ),
            # The search panel (search/selectors.py): name, customer-number, phone and
            # e-mail substrings.
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="company_name_trgm"),
            GinIndex(
                OpClass(Cast("customer_number", models.TextField()), name="gin_trgm_ops"),
                name="company_custno_trgm",
            ),
            GinIndex(OpClass("phone_digits", name="gin_trgm_ops"), name="company_phone_trgm"),
            GinIndex(OpClass(Upper("email"), name="gin_trgm_ops"), name="company_email_trgm"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.name = self.name.strip()
        if not self.name:
            raise ValidationError({"name": _("A company needs a name.")}, code="required")

    @property
    def country_name(self) -> str:
        """The country in the user's language, for an address abroad ("" for Norway)."""
        return "" if self.country == "NO" else countries.name(self.country) or self.country

    @property
    def is_customer(self) -> bool:
        return self.customer_number is not None

    def get_absolute_url(self):
        return reverse("companies:detail", args=[self.pk])


class CompanyLinkQuerySet(models.QuerySet):
    def current(self, today=None):
        """Links not ended by ``today`` (the local date unless given)."""
        from django.utils import timezone

        today = today or timezone.localdate()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))

    def former(self):
        from django.utils import timezone

        return self.filter(end_date__lt=timezone.localdate())


class CompanyLink(TimeStampedModel):
    """A person's link to a company, with the details that belong to that link.

    Ending a link (an end date) keeps it as a former employer rather than deleting it.
    """

    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="company_links"
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="links"
    )
    position = models.CharField(_("position"), max_length=150, blank=True)
    work_phone = PhoneNumberField(_("work phone"), blank=True)
    mobile = PhoneNumberField(_("mobile"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    objects = CompanyLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("company link")
        verbose_name_plural = _("company links")
        ordering = ["-end_date", "company__sort_key"]
        constraints = [
            # One open link per person and company; ended ones are history.
            models.UniqueConstraint(
                fields=["contact", "company"],
                condition=Q(end_date__isnull=True),
                name="companylink_one_open_link",
                violation_error_message=_("This person is already linked to this company."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="companylink_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]
        indexes = [models.Index(fields=["company", "contact"], name="companylink_company_idx")]

    def __str__(self):
        return f"{self.contact} – {self.company}"

    @property
    def is_current(self) -> bool:
        from django.utils import timezone

        return self.end_date is None or self.end_date >= timezone.localdate()


class OfflineRegisterUnit(models.Model):
    """One unit of the company register's bulk download, loaded by
    ``manage.py load_company_register``, for the offline backend
    (companies.register.offline). Upserted by organisation number."""

    org_number = models.CharField(_("organisation number"), max_length=9, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    is_branch = models.BooleanField(_("branch"), default=False)
    parent_org_number = models.CharField(_("main unit"), max_length=9, blank=True)
    organisation_form = models.CharField(_("organisation form"), max_length=20, blank=True)
    organisation_form_text = models.CharField(
        _("organisation form (text)"), max_length=300, blank=True
    )
    industry_code = models.CharField(_("industry code"), max_length=20, blank=True)
    industry_text = models.CharField(_("industry"), max_length=300, blank=True)
    postal_lines = models.CharField(_("postal address"), max_length=400, blank=True)
    postal_postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    postal_city = models.CharField(_("city"), max_length=100, blank=True)
    postal_country = models.CharField(_("country"), max_length=2, blank=True)
    business_lines = models.CharField(_("business address"), max_length=400, blank=True)
    business_postcode = models.CharField(_("business postcode"), max_length=10, blank=True)
    business_city = models.CharField(_("business city"), max_length=100, blank=True)
    business_country = models.CharField(_("business country"), max_length=2, blank=True)
    website = models.CharField(_("website"), max_length=300, blank=True)
    mva_registered = models.BooleanField(_("registered for VAT"), default=False)
    bankrupt = models.BooleanField(_("bankrupt"), default=False)
    under_liquidation = models.BooleanField(_("under liquidation"), default=False)
    deleted_on = models.DateField(_("deleted from the register"), null=True, blank=True)
    loaded_at = models.DateTimeField(_("loaded"), auto_now=True)

    class Meta:
        verbose_name = _("register unit (offline)")
        verbose_name_plural = _("register units (offline)")
        indexes = [
            # The name search of the offline backend: a substring of the name.
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="regunit_name_trgm"),
            models.Index(
                fields=["parent_org_number"],
                name="regunit_parent_idx",
                condition=Q(is_branch=True),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.org_number})"
