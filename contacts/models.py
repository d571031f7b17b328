import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast, Collate, Concat, Lower, Replace, Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from phonenumber_field.modelfields import PhoneNumberField

from crm.timestamps import TimeStampedModel

from .sorting import NorwegianSortKey


class Category(models.Model):
    """A label that staff put on contacts and companies (customer, supplier, VIP…)."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]

    def __str__(self):
        return self.name


class PostalCode(models.Model):
    """One line of Posten/Bring's «Postnummerregister»: a Norwegian postcode and its town.

    Loaded from the copy shipped in contacts/data/ and refreshed from the published file by
    ``manage.py refresh_postcodes`` (contacts/postcodes.py).
    """

    postcode = models.CharField(_("postcode"), max_length=4, primary_key=True)
    town = models.CharField(_("post town"), max_length=100)
    municipality_number = models.CharField(_("municipality number"), max_length=4, blank=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    # G street addresses, P post boxes, B both, S service codes, K customer-own codes,
    # F several uses (Bring's key to the register).
    category = models.CharField(_("category"), max_length=1, blank=True)

    class Meta:
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")
        ordering = ["postcode"]

    def __str__(self):
        return f"{self.postcode} {self.town}"


def categories_field(related_name: str) -> models.ManyToManyField:
    """The categories of a card (a contact's, a company's)."""
    return models.ManyToManyField(
        Category, verbose_name=_("categories"), blank=True, related_name=related_name
    )


def owner_field(related_name: str) -> models.ForeignKey:
    """A card's «Eier»: the user in charge of it, if any; kept empty when they go."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
    )


class ContactQuerySet(models.QuerySet):
    def customers(self):
        return self.filter(customer_number__isnull=False)

    def with_company_count(self):
        return self.annotate(company_count=models.Count("company_links", distinct=True))


class Contact(TimeStampedModel):
    """A person: a contact person in companies, a plain person, or a private customer."""

    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    mobile = PhoneNumberField(_("mobile"), blank=True)
    work_phone = PhoneNumberField(_("work phone"), blank=True)
    private_phone = PhoneNumberField(_("private phone"), blank=True)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="NO")
    website = models.URLField(_("website"), max_length=300, blank=True)
    categories = categories_field("contacts")
    owner = owner_field("owned_contacts")
    notes = models.TextField(_("notes"), blank=True)
    # Given from the customer-number series shared with companies (see services);
    # a contact with a number is a private customer.
    customer_number = models.PositiveBigIntegerField(
        _("customer number"), null=True, blank=True, unique=True, editable=False
    )
    # «Sperr tilgang»: only the firm's administrators may read this contact's e-mail.
    email_locked = models.BooleanField(_("e-mail locked"), default=False, editable=False)
    # Norwegian alphabetical order (… Z Æ Ø Å, case-blind) without needing ICU.
    sort_key = models.GeneratedField(
        expression=NorwegianSortKey(Concat("last_name", models.Value(" "), "first_name")),
        output_field=models.TextField(db_collation="C"),
        db_persist=True,
    )
    # The phones' digits (E.164 without «+»), space-separated, for the phone search: a
    # typed «412 34 567» or «+47 41234567» matches however the number was stored.
    phone_digits = models.GeneratedField(
        expression=Concat(
            Replace("mobile", models.Value("+"), output_field=models.TextField()),
            models.Value(" ", output_field=models.TextField()),
            Replace("work_phone", models.Value("+"), output_field=models.TextField()),
            models.Value(" ", output_field=models.TextField()),
            Replace("private_phone", models.Value("+"), output_field=models.TextField()),
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["sort_key", "id"]
        permissions = [
            ("access_crm", _("Can use the CRM")),
            ("administer_firm", _("Is an administrator of the firm")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(last_name__regex=r"^\s*$"),
                name="contact_last_name_not_blank",
                violation_error_message=_("A contact needs a last name."),
            ),
        ]
        indexes = [
            models.Index(fields=["sort_key", "id"], name="contact_sort_idx"),
            # The search panel (search/selectors.py): trigram indexes on exactly the
            # expressions its icontains/istartswith lookups emit (UPPER(col::text) LIKE …).
            GinIndex(
                OpClass(Upper("last_name"), name="gin_trgm_ops"), name="contact_last_name_trgm"
            ),
            GinIndex(
                OpClass(Upper("first_name"), name="gin_trgm_ops"), name="contact_first_name_trgm"
            ),
            GinIndex(
                OpClass(
                    Upper(Concat("first_name", models.Value(" "), "last_name")),
                    name="gin_trgm_ops",
                ),
                name="contact_full_name_trgm",
            ),
            GinIndex(OpClass("phone_digits", name="gin_trgm_ops"), name="contact_phone_trgm"),
            GinIndex(
                OpClass(Cast("customer_number", models.TextField()), name="gin_trgm_ops"),
                name="contact_custno_trgm",
            ),
            # The last- and first-name searches (search/selectors.py): an index-only
            # ordered walk that tests the name (and the «mine»/«private» narrowing)
            # without the heap …
            models.Index(
                fields=["sort_key", "id"],
                include=["last_name", "owner", "customer_number", "first_name"],
                name="contact_sort_cover_idx",
            ),
            # … the same walk over private customers alone («Privatkunder»), small enough
            # that a capped count of a frequent name stays quick …
            models.Index(
                fields=["sort_key", "id"],
                include=["last_name", "owner"],
                condition=Q(customer_number__isnull=False),
                name="contact_private_sort_idx",
            ),
            # … the distinct last names in Norwegian order, walked as a loose index scan …
            models.Index(
                Collate(NorwegianSortKey("last_name"), "C"),
                "last_name",
                name="contact_last_name_key_idx",
            ),
            # … and the distinct first names likewise, for the first-name search.
            models.Index(fields=["first_name"], name="contact_first_name_idx"),
            # The start page's «recently added» (contacts.selectors.contact_recent).
            models.Index(
                models.F("created_at").desc(), models.F("id").desc(), name="contact_recent_idx"
            ),
            # The few contacts whose e-mail is locked: the mail rule (a message linked to
            # one is hidden from all but administrators) starts from them, instead of
            # reading every message link of the firm on each card and e-mail tab.
            models.Index(fields=["id"], condition=Q(email_locked=True), name="contact_locked_idx"),
        ]
        triggers = [
            # A renamed contact's addresses take its new sort key (ContactEmail).
            pgtrigger.Trigger(
                name="derived_email_sort_key",
                when=pgtrigger.After,
                operation=pgtrigger.Update,
                condition=pgtrigger.Condition("OLD.sort_key IS DISTINCT FROM NEW.sort_key"),
                func="""
    UPDATE contacts_contactemail SET contact_sort_key = NEW.sort_key
        WHERE contact_id = NEW.id;
    RETURN NULL;""",
            ),
        ]

    def __str__(self):
        return self.full_name

    def clean(self):
        self.first_name, self.last_name = self.first_name.strip(), self.last_name.strip()
        if not self.last_name:
            raise ValidationError(
                {"last_name": _("A contact needs a last name.")}, code="required"
            )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def country_name(self) -> str:
        """The country in the user's language, for an address abroad ("" for Norway)."""
        return "" if self.country == "NO" else countries.name(self.country) or self.country

    @property
    def is_private_customer(self) -> bool:
        return self.customer_number is not None

    @property
    def primary_email(self) -> str:
        emails = self.emails.all()  # prefetched by the selectors
        return emails[0].email if emails else ""

    def get_absolute_url(self):
        return reverse("contacts:detail", args=[self.pk])


class ContactEmail(models.Model):
    """One of a contact's e-mail addresses; the first (lowest position) is the primary."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="emails")
    email = models.EmailField(_("e-mail"), max_length=254)
    position = models.PositiveSmallIntegerField(default=0)
    # The contact's ``sort_key``, kept here by the database (the triggers below), so
    # that the e-mail search sorts the matching addresses by name without joining each
    # to its contact (search.selectors._by_email_keys). Written by no code.
    contact_sort_key = models.TextField(db_collation="C", default="", editable=False)

    class Meta:
        verbose_name = _("e-mail address")
        verbose_name_plural = _("e-mail addresses")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                "contact", Lower("email"), name="contact_email_unique_per_contact"
            ),
            models.CheckConstraint(condition=~Q(email=""), name="contact_email_not_blank"),
        ]
        # Mail linking looks contacts up by address, whatever its case.
        indexes = [
            models.Index(Lower("email"), name="contact_email_lower_idx"),
            # The search panel's e-mail search (icontains: UPPER(email::text) LIKE …).
            GinIndex(OpClass(Upper("email"), name="gin_trgm_ops"), name="contact_email_trgm"),
        ]
        triggers = [
            # Every write of an address, COPY included (crm.bulk keeps derived triggers).
            pgtrigger.Trigger(
                name="derived_contact_sort_key",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func="""
    NEW.contact_sort_key := COALESCE(
        (SELECT c.sort_key FROM contacts_contact c WHERE c.id = NEW.contact_id), '');
    RETURN NEW;""",
            ),
        ]

    def __str__(self):
        return self.email


class RetiredCustomerNumber(models.Model):
    """A customer number that no longer names anyone and is never given again: the
    number of the record merged away when both had one (issue 18)."""

    number = models.PositiveBigIntegerField(_("customer number"), unique=True)
    retired_at = models.DateTimeField(_("retired at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("retired customer number")
        verbose_name_plural = _("retired customer numbers")

    def __str__(self):
        return str(self.number)


class RecentlyViewed(models.Model):
    """A page a user opened lately (a contact card, a company page), for their start page.
    Private to the user; the newest ``recently_viewed.KEEP`` per user are kept. The page is
    named by content type and id so that companies (which depend on contacts) can record
    theirs without contacts naming them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    viewed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("recently viewed page")
        verbose_name_plural = _("recently viewed pages")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"], name="recently_viewed_once"
            )
        ]
        indexes = [models.Index(fields=["user", "-viewed_at"], name="recently_viewed_newest")]

    def __str__(self):
        return f"{self.content_type_id}:{self.object_id}"
