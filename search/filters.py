"""The search panel's narrowing controls (S3) as django-filter FilterSets.

The panel form is the FilterSet's form. ``q`` is matched according to ``type`` and
``match``; the matching itself is in :mod:`search.matching`, and :mod:`search.selectors`
chooses how to run it.
"""

import string

import django_filters
from django import forms
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Exists, OuterRef
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from companies.models import CompanyLink
from contacts.models import Category, Contact

MAX_TERM = 200

KIND_CHOICES = [("contact", _("Contact")), ("company", _("Company"))]
SELECTION_CHOICES = [
    ("all", _("All")),
    ("mine", _("Mine")),
    ("private", _("Private customers")),
    ("company", _("Linked to company")),
    ("my_categories", _("In my categories")),
]
TYPE_CHOICES = [
    ("last_name", _("Last name")),
    ("first_name", _("First name")),
    ("full_name", _("Full name")),
    ("email", _("E-mail")),
    ("phone", _("Phone")),
    ("customer_number", _("Customer number")),
    # «Notat»: the text of the notes the user may read (search/selectors.py).
    ("note", _("Note text")),
]
MATCH_CHOICES = [("contains", _("Contains")), ("starts", _("Starts with"))]
# The shortest term these search types take. Their trigram indexes need three characters;
# with fewer, a search would read much of a million rows. Last and first names (planned
# from their distinct values) and customer numbers take any length.
MIN_TERM = {"full_name": 3, "email": 3, "phone": 3, "note": 3}
# The search types a company search answers from its own column (or its notes); the name
# types («Etternavn», «Fornavn», «Fullt navn») search the company's name.
COMPANY_OWN_TYPES = {"email", "phone", "customer_number", "note"}


class SearchForm(forms.Form):
    def clean(self):
        data = super().clean()
        type, term = data.get("type"), data.get("q") or ""
        if type == "phone":
            term = "".join(ch for ch in term if ch in string.digits)
        shortest = MIN_TERM.get(type, 0)
        if data.get("kind") == "company" and type not in COMPANY_OWN_TYPES:
            shortest = 0  # the name types search a company's name, of any length
        if term and len(term) < shortest:
            self.add_error(
                "q",
                _("Type at least %(count)s characters to search by %(type)s.")
                % {"count": shortest, "type": str(dict(TYPE_CHOICES)[type]).lower()},
            )
        return data


class SearchFilter(django_filters.FilterSet):
    # q, kind, company, type and match are read by the selector and other filters.
    q = django_filters.CharFilter(label=_("Search for"), max_length=MAX_TERM, method="_noop")
    kind = django_filters.ChoiceFilter(
        label=_("Search in"),
        choices=KIND_CHOICES,
        widget=forms.RadioSelect,
        empty_label=None,
        method="_noop",
    )
    selection = django_filters.ChoiceFilter(
        label=_("Selection"),
        choices=SELECTION_CHOICES,
        method="filter_selection",
        empty_label=None,
    )
    company = django_filters.CharFilter(
        label=_("Company name"), max_length=MAX_TERM, method="_noop"
    )
    type = django_filters.ChoiceFilter(
        label=_("Search type"), choices=TYPE_CHOICES, empty_label=None, method="_noop"
    )
    match = django_filters.ChoiceFilter(
        label=_("Match"),
        choices=MATCH_CHOICES,
        widget=forms.RadioSelect,
        empty_label=None,
        method="_noop",
    )
    category = django_filters.ModelMultipleChoiceFilter(
        label=_("Category"),
        queryset=Category.objects.order_by("name"),
        method="filter_category",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        fields = ["q", "kind", "selection", "company", "type", "match", "category"]
        form = SearchForm

    def __init__(self, data=None, *args, user=None, **kwargs):
        # Unset controls take their defaults, so that a bare ?q=hanse is valid.
        data = data.copy() if data is not None else QueryDict(mutable=True)
        for name, default in DEFAULTS.items():
            if not data.get(name):
                data[name] = default
        super().__init__(data, *args, **kwargs)
        self.user = user

    @property
    def form(self):
        if not hasattr(self, "_form"):
            # The panel is on every page: its category boxes come from the cache (the
            # queryset still validates what is sent).
            super().form.fields["category"].widget.choices = category_choices()
        return self._form

    def _noop(self, qs, name, value):
        return qs

    @property
    def is_company_search(self) -> bool:
        return self.form.cleaned_data.get("kind") == "company"

    def filter_selection(self, qs, name, value):
        user = self.user
        if value == "mine":
            return qs.filter(owner=user)
        if value == "private":
            return qs.filter(customer_number__isnull=False)
        if value == "company" and not self.is_company_search:
            term = self.form.cleaned_data.get("company") or ""
            links = CompanyLink.objects.current().filter(contact=OuterRef("pk"))
            if term:
                links = links.filter(company__name__icontains=term)
            return qs.filter(Exists(links))
        if value == "my_categories":
            # «Mine kategorier»: the categories I have put on contacts I own.
            mine = Contact.categories.through.objects.filter(contact__owner=user).values(
                "category_id"
            )
            return qs.filter(Exists(_category_rows(qs.model).filter(category_id__in=mine)))
        return qs

    def filter_category(self, qs, name, value):
        if not value:
            return qs
        rows = _category_rows(qs.model).filter(category__in=value)
        return qs.filter(Exists(rows))


CATEGORY_CHOICES_KEY = "search:category-choices"
# The rendered empty panel per language (search/templatetags/search.py); it lists the
# categories, so it goes when they change.
PANEL_CACHE_KEY = "search:panel:{language}"
CATEGORY_CHOICES_TIMEOUT = 60


def category_choices() -> list[tuple[int, str]]:
    """The categories as (id, name) by name, cached; emptied when one is saved or deleted.

    With a shared cache (REDIS_URL) that reaches every web server at once; without one,
    each process has its own cache, and the other processes show a changed category
    within ``CATEGORY_CHOICES_TIMEOUT`` seconds (the panel within ``PANEL_CACHE_TIMEOUT``).
    """
    choices = cache.get(CATEGORY_CHOICES_KEY)
    if choices is None:
        # From the primary, never a replica: what is read here is kept for every server,
        # and a replica a moment behind would put back the list a change just emptied.
        primary = Category.objects.using(DEFAULT_DB_ALIAS)
        choices = list(primary.order_by("name").values_list("pk", "name"))
        cache.set(CATEGORY_CHOICES_KEY, choices, CATEGORY_CHOICES_TIMEOUT)
    return choices


def forget_category_choices(**kwargs) -> None:
    """Empties the cached categories and panels at once, and again when the change
    commits: a page that another server rendered in between, from the categories as they
    were before the commit, would otherwise keep its old panel in the shared cache."""
    from django.conf import settings

    keys = [CATEGORY_CHOICES_KEY] + [
        PANEL_CACHE_KEY.format(language=code) for code, _ in settings.LANGUAGES
    ]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys), using=kwargs.get("using"))


def _category_rows(model):
    """The contact–category (or company–category) rows of the outer row."""
    through = model.categories.through
    owner = "contact" if model is Contact else "company"
    return through.objects.filter(**{owner: OuterRef("pk")})


DEFAULTS = {"kind": "contact", "selection": "all", "type": "last_name", "match": "contains"}


def term_lookup(*, type: str, match: str, kind: str) -> tuple[str, str]:
    """(expression name, lookup) for the term: the lookups the trigram indexes are made for.

    ``note_text`` is the text of a note, for contacts and companies alike; «starts with»
    means the note's text starts with the term, as for the other fields.
    """
    lookup = "istartswith" if match == "starts" else "icontains"
    plain = "startswith" if match == "starts" else "contains"
    if type == "note":
        return ("note_text", lookup)
    own = {
        "email": ("email", lookup),
        # Phone numbers are stored with the country code: digits match anywhere.
        "phone": ("phone_digits", "contains"),
        "customer_number": ("customer_number", plain),
    }
    if kind == "company":
        # A company has one e-mail column (``email``), a contact a list of them.
        return own.get(type, ("name", lookup))
    return {
        "last_name": ("last_name", lookup),
        "first_name": ("first_name", lookup),
        "full_name": ("full_name", lookup),
        **own,
    }[type]
