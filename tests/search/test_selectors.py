"""The search's modules one by one: the probes (search/probe.py), the note beside a hit
(search/snippets.py), and the query plan of every query shape the selectors build
(search/selectors.py)."""

import json
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from activities import services
from activities.models import Note
from companies.models import Company, CompanyLink
from contacts.models import Contact, ContactEmail
from search.matching import email_contacts, spellings
from search.probe import email_probe, name_probe, note_probe, noted_contact_ids
from search.rows import note_snippet_cell
from search.selectors import search
from search.snippets import SNIPPET_CONTEXT, Snippet, note_snippets, snippet, term_pattern
from tests.activities.factories import ProjectFactory
from tests.companies.factories import CompanyFactory, CompanyLinkFactory
from tests.contacts.factories import ContactFactory
from tests.crm.factories import UserFactory
from tests.search.plans import BIG_TABLES, plans_of

pytestmark = pytest.mark.django_db


def note(author, text, *, private=False, **home):
    return services.note_create(author=author, text=text, private=private, **home)


def ids(literal: str) -> set[int]:
    """The ids of an array literal such as ``{3,1,2}``."""
    return {int(part) for part in literal.strip("{}").split(",") if part}


# --- the distinct-name probe (search/probe.py) ------------------------------------------


@pytest.fixture
def named(db):
    for last, first in [
        ("Østby", "Ole"),
        ("Ås", "Kari"),
        ("Zahl", "Kari"),
        ("Aasen", "Per"),
        ("Olsen", "Eva"),
        ("Olsen", "Ola"),
        ("Berg Olsen", "Per"),
        ("Holm", "Karin"),
    ]:
        ContactFactory(last_name=last, first_name=first)


def test_name_probe_lists_each_matching_last_name_once_in_norwegian_order(named):
    # «Olsen» twice on the cards, once in the probe; Ø and Å after Z, Aa with A.
    assert [name for _key, name in name_probe("last_name", "S", starts=False)] == [
        "Aasen",
        "Berg Olsen",
        "Olsen",
        "Østby",
        "Ås",
    ]


def test_name_probe_keys_are_the_norwegian_sort_keys_in_order(named):
    keys = [key for key, _name in name_probe("last_name", "s", starts=False)]
    assert keys == sorted(keys)
    assert keys[0] == "aasen"


def test_name_probe_starts_with_matches_the_start_of_the_name_only(named):
    assert [name for _key, name in name_probe("last_name", "ol", starts=True)] == ["Olsen"]
    assert name_probe("last_name", "qxz", starts=False) == []


def test_name_probe_takes_percent_and_underscore_literally(named):
    ContactFactory(last_name="100%_Berg")
    assert [name for _key, name in name_probe("last_name", "%", starts=False)] == ["100%_Berg"]
    assert [name for _key, name in name_probe("last_name", "_", starts=False)] == ["100%_Berg"]


def test_first_name_probe_lists_the_matching_distinct_first_names(named):
    assert sorted(name for _key, name in name_probe("first_name", "kar", starts=False)) == [
        "Kari",
        "Karin",
    ]


def test_name_probe_gives_way_when_it_would_walk_more_names_than_its_limit(named, monkeypatch):
    # Seven distinct last names and no statistics yet: the walk itself finds too many.
    monkeypatch.setattr("search.probe.PROBE_STEPS", 6)
    assert name_probe("last_name", "olsen", starts=False) is None
    monkeypatch.setattr("search.probe.PROBE_STEPS", 7)
    assert [name for _key, name in name_probe("last_name", "olsen", starts=False)] == [
        "Berg Olsen",
        "Olsen",
    ]


# --- the noted-contacts probe (search/probe.py) -----------------------------------------


@pytest.fixture
def noted(staff, other_staff):
    """Contacts reached by matching notes along each route, and one by a private note."""
    card = ContactFactory(last_name="Kort")
    link = CompanyLinkFactory(contact=ContactFactory(last_name="Kontaktperson"))
    person, company = link.contact, link.company
    project = ProjectFactory()
    participant = ContactFactory(last_name="Deltaker")
    project.participants.add(participant)
    secret = ContactFactory(last_name="Hemmelig")
    note(staff, "Probe-avtale på kortet", contact=card)
    note(staff, "Probe-avtale i firmaet", company=company, contact_persons=[person])
    note(staff, "Probe-avtale i prosjektet", project=project)
    note(staff, "Probe-avtale nummer to", contact=card)  # the same contact again
    note(other_staff, "Probe-avtale privat", private=True, contact=secret)
    note(staff, "Noe annet", contact=ContactFactory(last_name="Bom"))
    return {"card": card, "person": person, "participant": participant, "secret": secret}


def test_noted_contact_ids_counts_each_contact_reached_by_a_matching_note_once(staff, noted):
    count, literal = noted_contact_ids(staff, "probe-avtale", starts=False)
    expected = {noted["card"].pk, noted["person"].pk, noted["participant"].pk}
    assert count == 3 and ids(literal) == expected


def test_noted_contact_ids_never_counts_anothers_private_note(staff, other_staff, noted):
    count, literal = noted_contact_ids(staff, "privat", starts=False)
    assert (count, ids(literal)) == (0, set())
    assert noted["secret"].pk not in ids(noted_contact_ids(staff, "probe", starts=False)[1])
    # Its author finds it.
    count, literal = noted_contact_ids(other_staff, "privat", starts=False)
    assert (count, ids(literal)) == (1, {noted["secret"].pk})


def test_noted_contact_ids_without_a_user_is_nothing(noted):
    assert noted_contact_ids(None, "probe-avtale", starts=False) == (0, "{}")


def test_noted_contact_ids_starts_with_matches_the_start_of_the_note(staff, noted):
    count, literal = noted_contact_ids(staff, "nummer", starts=True)
    assert count == 0
    count, literal = noted_contact_ids(staff, "probe-avtale nummer", starts=True)
    assert (count, ids(literal)) == (1, {noted["card"].pk})


@pytest.mark.parametrize(("probe", "reads"), [("noted_contact_ids", 1), ("note_probe", 3)])
def test_the_matching_notes_are_read_once_for_all_three_routes(staff, noted, probe, reads):
    # A UNION of the routes found the notes again for each (three trigram index scans,
    # 11 ms each for a rare phrase among a million notes); the routes join them instead.
    # The probe's statement reads the notes twice more, for a frequent word's proof.
    if probe == "noted_contact_ids":
        run = lambda: noted_contact_ids(staff, "probe-avtale", starts=False)  # noqa: E731
    else:
        run = lambda: note_probe(staff, "probe-avtale", starts=False, cap=10)  # noqa: E731
    found, plans = plans_of(run)
    expected = {noted["card"].pk, noted["person"].pk, noted["participant"].pk}
    if probe == "noted_contact_ids":
        assert found[0] == 3 and ids(found[1]) == expected
    else:
        assert found.count == 3 and ids(found.ids) == expected
    assert plans.table_reads["activities_note"] == reads, plans


def test_noted_contact_ids_gives_way_above_its_limit(staff, noted, monkeypatch):
    monkeypatch.setattr("search.probe.NOTE_IDS_MAX", 2)
    assert noted_contact_ids(staff, "probe-avtale", starts=False) is None
    monkeypatch.setattr("search.probe.NOTE_IDS_MAX", 3)
    assert noted_contact_ids(staff, "probe-avtale", starts=False)[0] == 3


# --- «over the cap» proved from the spellings as written (search/probe.py) --------------


def test_spellings_are_the_term_as_typed_in_lower_case_and_capitalised():
    assert spellings("MØTE") == ["MØTE", "møte", "Møte"]
    assert spellings("møte") == ["møte", "Møte"]
    assert spellings("Gmail.com") == ["Gmail.com", "gmail.com"]


@pytest.mark.parametrize("term", ["straße", "ıkea", "ǆungel"])
def test_a_term_with_a_letter_of_uncertain_case_has_no_spellings(term):
    # ß is SS in capitals, ı and ǆ have no one-to-one other case: a plain LIKE of a
    # «spelling» might then find a text the case-insensitive test would not.
    assert spellings(term) is None


def _analyze(table):
    """Statistics, so that the probes know how many rows the evidence may read."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")


def _over(user, term, *, starts=False, cap=1):
    _analyze("activities_note")
    return note_probe(user, term, starts=starts, cap=cap).over


@pytest.mark.parametrize("written", ["Oftemøte i dag", "et OFTEMØTE", "oftemøte"])
def test_a_frequent_words_count_is_proved_over_the_cap_however_the_notes_write_it(
    staff, monkeypatch, written
):
    monkeypatch.setattr("search.probe.NOTE_WALK_FROM", 0)  # every word frequent
    first, second = ContactFactory(), ContactFactory()
    note(staff, written, contact=first)
    assert not _over(staff, "oftemøte")
    note(staff, written, contact=second)
    assert _over(staff, "oftemøte")
    assert _over(staff, "OFTEMØTE")


def test_anothers_private_notes_prove_no_count_over_the_cap(staff, other_staff, monkeypatch):
    monkeypatch.setattr("search.probe.NOTE_WALK_FROM", 0)
    note(staff, "oftemøte", contact=ContactFactory())
    for _ in range(3):
        note(other_staff, "oftemøte", private=True, contact=ContactFactory())
    assert not _over(staff, "oftemøte")
    assert _over(other_staff, "oftemøte")


def test_a_word_inside_the_notes_proves_nothing_for_starts_with(staff, monkeypatch):
    monkeypatch.setattr("search.probe.NOTE_WALK_FROM", 0)
    for _ in range(2):
        note(staff, "Årsmøte i mars", contact=ContactFactory())
    assert not _over(staff, "møte", starts=True)
    assert _over(staff, "møte", starts=False)
    note(staff, "Møte med styret", contact=ContactFactory())
    note(staff, "møte igjen", contact=ContactFactory())
    assert _over(staff, "møte", starts=True)


def test_a_proof_over_the_cap_is_remembered_for_that_user_and_search_only(
    staff, other_staff, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr("search.probe.NOTE_WALK_FROM", 0)
    for _ in range(2):
        note(staff, "oftemøte", contact=ContactFactory())
    assert _over(staff, "oftemøte")
    # The same search again: the proof is remembered, the probe asks nothing.
    with django_assert_num_queries(0):
        assert note_probe(staff, "oftemøte", starts=False, cap=1) == (True, True, None, None)
    # Another user, match, cap or word is proved afresh (a user's proof may rest on
    # their own private notes).
    for user, term, starts, cap in [
        (other_staff, "oftemøte", False, 1),
        (staff, "oftemøte", True, 1),
        (staff, "oftemøte", False, 2),
        (staff, "oftemøt", False, 1),
    ]:
        with django_assert_num_queries(1):
            note_probe(user, term, starts=starts, cap=cap)
    assert not note_probe(staff, "oftemøte", starts=False, cap=2).over


def test_a_count_not_proved_over_the_cap_is_not_remembered(
    staff, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr("search.probe.NOTE_WALK_FROM", 0)
    note(staff, "oftemøte", contact=ContactFactory())
    assert not _over(staff, "oftemøte")
    note(staff, "oftemøte", contact=ContactFactory())
    with django_assert_num_queries(1):
        assert note_probe(staff, "oftemøte", starts=False, cap=1).over


def _email(contact, email, position=0):
    ContactEmail.objects.create(contact=contact, email=email, position=position)


def _email_over(term, cap):
    _analyze("contacts_contactemail")
    return email_probe(term, starts=False, cap=cap)


@pytest.mark.parametrize(("capitals", "proved"), [(False, True), (True, False)])
def test_a_frequent_addresss_count_over_the_cap_is_proved_from_the_addresses_as_written(
    staff, monkeypatch, settings, capitals, proved
):
    monkeypatch.setattr("search.probe.EMAIL_WALK_SHARE", 0)  # every term frequent
    for name in ("firmaenkelsen", "firmaenkelstad", "firmaenkelmo"):
        address = f"{name}@firma.no"
        _email(ContactFactory(), address.upper() if capitals else address)
    assert _email_over("firmaenkel", cap=3) == (True, False)
    assert _email_over("firmaenkel", cap=2) == (True, proved)
    # Written in capitals, the probe proves nothing, and the search counts as before.
    settings.SEARCH_COUNT_CAP = 2
    query = QueryDict(mutable=True)
    query.update({"q": "FirmaEnkel", "type": "email"})
    result = search(params=query, user=staff, page=2)
    assert (result.count, result.over_cap) == (2, True)


def test_two_addresses_of_one_contact_prove_no_count_over_the_cap(staff, monkeypatch, settings):
    monkeypatch.setattr("search.probe.EMAIL_WALK_SHARE", 0)
    twice = ContactFactory()
    _email(twice, "a@tvilling.no")
    _email(twice, "b@tvilling.no", position=1)
    _email(ContactFactory(), "c@tvilling.no")
    # Three addresses, two contacts: not over a cap of 2.
    assert _email_over("tvilling", cap=2) == (True, False)
    settings.SEARCH_COUNT_CAP = 2
    query = QueryDict(mutable=True)
    query.update({"q": "tvilling", "type": "email"})
    result = search(params=query, user=staff)
    assert (result.count, result.over_cap, len(result.hits)) == (2, False, 2)


def test_an_address_in_none_is_not_frequent_and_proves_nothing(db):
    for name in ("enkelsen", "enkelstad", "enkelmo"):
        _email(ContactFactory(), f"{name}@firma.no")
    # With the real share (a twentieth of the addresses): «firma» is in all, «zzz» in none.
    assert _email_over("firma", cap=2) == (True, True)
    assert _email_over("zzz", cap=0) == (False, False)


# --- the note beside a hit (search/snippets.py) ------------------------------------------


def test_snippet_marks_the_match_as_written_in_the_note():
    cut = snippet("Ringte om JULEBORD i mars", term_pattern("julebord"))
    assert cut == Snippet("Ringte om ", "JULEBORD", " i mars")


def test_snippet_cuts_a_long_note_around_the_match():
    text = "a" * 200 + " julebord " + "b" * 200
    before, match, after = snippet(text, term_pattern("julebord"))
    assert match == "julebord"
    assert before == "…" + ("a" * 200 + " ")[-SNIPPET_CONTEXT:]
    assert after == (" " + "b" * 200)[:SNIPPET_CONTEXT] + "…"


def test_snippet_puts_the_note_on_one_line():
    assert snippet("Ringte\n\nom  julebord\tnå", term_pattern("julebord")) == Snippet(
        "Ringte om ", "julebord", " nå"
    )


def test_snippet_takes_the_term_literally():
    assert snippet("Rabatt 100%_ på alt", term_pattern("0%_ p")) == Snippet(
        "Rabatt 10", "0%_ p", "å alt"
    )


def test_snippet_shows_the_start_when_python_does_not_find_the_match():
    # The database's UPPER matched a case form Python's does not: no mark, the start.
    cut = snippet("x" * 300, re.compile("julebord"))
    assert cut == Snippet("x" * 2 * SNIPPET_CONTEXT, "", "…")
    assert snippet("kort", re.compile("julebord")) == Snippet("kort", "", "")


def test_the_snippet_is_shown_escaped_with_the_match_marked():
    cut = snippet("<b>Ringte</b> om <script>julebord</script>", term_pattern("julebord"))
    html = note_snippet_cell(cut)
    assert "&lt;b&gt;Ringte&lt;/b&gt; om &lt;script&gt;<mark>julebord</mark>&lt;/script&gt;" in (
        html
    )
    assert "<script>" not in html and "<b>" not in html


def test_the_snippet_escapes_html_in_the_match_itself():
    cut = snippet("Avtalt <i>pris</i> i dag", term_pattern("<i>pris</i>"))
    html = note_snippet_cell(cut)
    assert "<mark>&lt;i&gt;pris&lt;/i&gt;</mark>" in html


class Hits:
    """A search result as note_snippets reads it."""

    def __init__(self, kind, term, hits):
        self.kind, self.term, self.hits, self.notes = kind, term, hits, False


def test_note_snippets_give_each_hit_its_newest_matching_note(staff):
    contact = ContactFactory()
    old = note(staff, "Julebord i fjor", contact=contact)
    note(staff, "Julebord i år", contact=contact)
    note(staff, "Noe annet, nyere", contact=contact)
    Note.objects.filter(pk=old.pk).update(created_at=old.created_at.replace(year=2000))
    without = ContactFactory()
    result = Hits("contact", "julebord", [contact, without])
    note_snippets(result, staff, starts=False)
    assert result.notes
    assert contact.note_snippet == Snippet("", "Julebord", " i år")
    assert without.note_snippet is None


def test_note_snippets_never_show_anothers_private_note(staff, other_staff):
    contact = ContactFactory()
    note(staff, "Julebord: åpen plan", contact=contact)
    secret = note(other_staff, "Julebord: hemmelig plan", private=True, contact=contact)
    Note.objects.filter(pk=secret.pk).update(created_at=secret.created_at.replace(year=2099))
    result = Hits("contact", "julebord", [contact])
    note_snippets(result, staff, starts=False)
    assert contact.note_snippet == Snippet("", "Julebord", ": åpen plan")
    note_snippets(Hits("contact", "julebord", [contact]), other_staff, starts=False)
    assert contact.note_snippet == Snippet("", "Julebord", ": hemmelig plan")


def test_note_snippets_for_companies_read_the_company_notes(staff):
    company = CompanyFactory()
    note(staff, "Avtalt julebord i mars", company=company)
    result = Hits("company", "julebord", [company])
    note_snippets(result, staff, starts=False)
    assert company.note_snippet == Snippet("Avtalt ", "julebord", " i mars")


def test_note_snippets_of_no_hits_read_nothing(staff, django_assert_num_queries):
    result = Hits("contact", "julebord", [])
    with django_assert_num_queries(0):
        note_snippets(result, staff, starts=False)
    assert result.notes


# --- the e-mail search's count (search/matching.py) --------------------------------------

EMAIL_DATA = {"type": "email", "match": "contains"}


@pytest.fixture
def tvillinger(db):
    """Three contacts with a «tvilling» address, one of them with two."""
    first = ContactFactory(last_name="Tvilling")
    ContactEmail.objects.create(contact=first, email="a.tvilling@firma.no", position=0)
    ContactEmail.objects.create(contact=first, email="tvilling@hjemme.no", position=1)
    for name in ("Tvillingsen", "Tvillingstad"):
        ContactEmail.objects.create(
            contact=ContactFactory(last_name=name), email=f"{name.lower()}@firma.no", position=0
        )


def test_the_email_count_counts_contacts_not_addresses(tvillinger):
    assert email_contacts(EMAIL_DATA, "tvilling", 10) == 3


def test_the_email_count_gives_way_when_the_first_addresses_share_a_contact(tvillinger):
    # Four addresses found for a cap of 3, on three contacts: more may lie beyond.
    assert email_contacts(EMAIL_DATA, "tvilling", 3) is None


def test_the_email_count_proves_more_than_the_cap(db):
    for name in ("Enkelsen", "Enkelstad", "Enkelmo", "Enkeland"):
        ContactEmail.objects.create(
            contact=ContactFactory(last_name=name), email=f"{name.lower()}@firma.no", position=0
        )
    assert email_contacts(EMAIL_DATA, "enkel", 3) == 4  # over a cap of 3


@pytest.mark.parametrize(("cap", "count", "over"), [(10, 3, False), (3, 3, False), (2, 2, True)])
def test_an_email_search_counts_each_contact_once_up_to_the_cap(
    tvillinger, staff, settings, cap, count, over
):
    settings.SEARCH_COUNT_CAP = cap
    query = QueryDict(mutable=True)
    query.update({"q": "tvilling", "type": "email"})
    # Page 2 of three hits: the count is asked for (page 1, not full, is its own count).
    result = search(params=query, user=staff, page=2)
    assert (result.count, result.over_cap) == (count, over)


# --- the query plan of each query shape (search/selectors.py) ------------------------------
#
# A firm's worth of rows, committed and vacuumed once for the plan tests (as on a real
# database, the walks can then be index-only), and removed afterwards.

LAST_NAMES = [
    *(["Aasen", "Bakken", "Berg", "Dahl", "Eide", "Fjeld", "Haugen", "Hansen", "Holm", "Jensen"]),
    *(
        [
            "Johansen",
            "Karlsen",
            "Larsen",
            "Lie",
            "Moe",
            "Moen",
            "Nilsen",
            "Olsen",
            "Pedersen",
            "Rød",
        ]
    ),
    *(["Solberg", "Strand", "Thorhansen", "Vik", "Ås"]),
]
FIRST_NAMES = ["Kari", "Ola", "Per", "Anne", "Ivar", "Eva", "Nils", "Ingrid", "Bjørn", "Liv"]
NOTE_TEXTS = ["Ringte om tilbud", "Årsmøte i mars", "Sendte kontrakt", "Purring på faktura"]
CONTACTS = 5000
COMPANIES = 1000
NOTES = 4000
COMPANY_NOTES = 4000
# Every tenth contact is a private customer (has a customer number).
CUSTOMER_EVERY = 10


@pytest.fixture(scope="module")
def firm(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        user = UserFactory(username="plan-reader", crm_access=True)
        other = UserFactory(username="plan-writer", crm_access=True)
        contacts = Contact.objects.bulk_create(
            Contact(
                last_name=LAST_NAMES[i % len(LAST_NAMES)],
                first_name=FIRST_NAMES[i // len(LAST_NAMES) % len(FIRST_NAMES)],
                mobile=f"+4741{i:06d}",
                customer_number=100_000 + i if i % CUSTOMER_EVERY == 0 else None,
                owner=user if i % 3 == 0 else other,
            )
            for i in range(CONTACTS)
        )
        ContactEmail.objects.bulk_create(
            ContactEmail(contact=c, email=f"{c.last_name.lower()}{i}@example.no")
            for i, c in enumerate(contacts)
        )
        companies = Company.objects.bulk_create(
            Company(
                name=f"{LAST_NAMES[i % len(LAST_NAMES)]} Gruppen {i} AS",
                phone=f"+4722{i:06d}",
                email=f"post{i}@gruppen{i}.no",
                customer_number=500_000 + i,
                org_number="",  # unique when set (companies/models.py)
            )
            for i in range(COMPANIES)
        )
        CompanyLink.objects.bulk_create(
            CompanyLink(contact=c, company=companies[i % COMPANIES])
            for i, c in enumerate(contacts)
            if i % 2
        )
        Note.objects.bulk_create(
            Note(
                text=f"{NOTE_TEXTS[i % len(NOTE_TEXTS)]} {i * 7919 % 100_003}",
                private=i % 10 < 3,
                author=user if i % 2 else other,
                contact=contacts[i * 13 % CONTACTS],
            )
            for i in range(NOTES)
        )
        Note.objects.bulk_create(
            Note(text=f"Firmamøte nr {i}", author=user, company=companies[i % COMPANIES])
            for i in range(COMPANY_NOTES)
        )
        with connection.cursor() as cursor:
            # The visibility map, so that the walks are index-only, and the statistics.
            cursor.execute("VACUUM ANALYZE")
        yield user
        call_command("flush", interactive=False, verbosity=0)
        # flush also empties what the migrations loaded: the postcode register goes back
        # for the tests that run after this module (tests/crm/test_no_english.py).
        from importlib import import_module

        from django.apps import apps

        import_module("contacts.migrations.0008_load_postcodes").load(apps, None)


# (kind, parameters, limits lowered, the plan, the indexes it must use). The names plans
# and the walks are also timed on a million contacts by benchmarks/search.py.
SHAPES = {
    "last name, distinct names": (
        "contact",
        {"q": "han"},
        {},
        "names",
        {"contact_last_name_key_idx", "contact_sort_cover_idx", "contacts_contact_pkey"},
    ),
    "last name, narrowed to mine": (
        "contact",
        {"q": "han", "selection": "mine"},
        {},
        "names",
        {"contact_last_name_key_idx", "contact_sort_cover_idx"},
    ),
    "last name, trigram": (
        "contact",
        {"q": "thorhan"},
        {"search.probe.PROBE_STEPS": 1},
        "trigram",
        {"contact_last_name_trgm"},
    ),
    "last name, short walk": (
        "contact",
        {"q": "ha"},
        {"search.probe.PROBE_STEPS": 1},
        "walk",
        {"contact_sort_idx"},
    ),
    "first name, distinct names": (
        "contact",
        {"q": "ingr", "type": "first_name"},
        {},
        "names",
        # The page walks the cover index, testing the first name on its entries.
        {"contact_first_name_idx", "contact_sort_cover_idx"},
    ),
    "first name, trigram": (
        "contact",
        {"q": "ingr", "type": "first_name"},
        {"search.probe.PROBE_STEPS": 1},
        "trigram",
        {"contact_first_name_trgm"},
    ),
    "full name": (
        "contact",
        {"q": "ingrid thorh", "type": "full_name"},
        {},
        "trigram",
        {"contact_full_name_trgm"},
    ),
    "e-mail: the matching addresses sorted by their contacts' keys": (
        "contact",
        {"q": "thorhansen12", "type": "email"},
        {},
        "email-keys",
        {"contact_email_trgm", "contacts_contact_pkey"},
    ),
    "e-mail, one word: each matching word's addresses walked in name order": (
        "contact",
        {"q": "thorhansen", "type": "email"},
        {},
        "email-words",
        {"search_addressword_pkey", "contacts_contact_pkey"},
    ),
    "e-mail, one word, narrowed: the words' walks, each contact tested by key": (
        "contact",
        {"q": "thorhansen", "type": "email", "selection": "mine"},
        {},
        "email-words",
        {"search_addressword_pkey", "contacts_contact_pkey"},
    ),
    "e-mail, narrowed": (
        "contact",
        {"q": "thorhansen12", "type": "email", "selection": "mine"},
        {},
        "trigram",
        {"contact_email_trgm"},
    ),
    "e-mail, an address in most: contacts walked in name order": (
        "contact",
        {"q": "example", "type": "email"},
        {"search.probe.EMAIL_WORDS_MAX": -1},
        "email-walk",
        # The walk probes each contact's addresses.
        {"contact_sort_idx", "contacts_contactemail_contact_id_8dd35e56"},
    ),
    "e-mail, a frequent part of a name: the addresses' keys after a short walk": (
        "contact",
        {"q": "hansen", "type": "email"},
        {
            "search.probe.EMAIL_WORDS_MAX": -1,
            "search.probe.EMAIL_WALK_SHARE": 0,
            "search.selectors.EMAIL_WALK_WINDOW": 10,
        },
        "email-keys",
        {"contact_email_trgm"},
    ),
    "phone": ("contact", {"q": "41 0012", "type": "phone"}, {}, "trigram", {"contact_phone_trgm"}),
    "customer number": (
        "contact",
        {"q": "10012", "type": "customer_number"},
        {},
        "trigram",
        {"contact_custno_trgm"},
    ),
    "customer number, short walk": (
        "contact",
        {"q": "12", "type": "customer_number"},
        {},
        "walk",
        {"contact_private_sort_idx"},
    ),
    "note, few contacts read by key": (
        "contact",
        {"q": "kontrakt 12", "type": "note"},
        {},
        "note-ids",
        {"note_text_trgm", "contacts_contact_pkey"},
    ),
    "note, many contacts walked in order": (
        "contact",
        {"q": "kontrakt", "type": "note"},
        {"search.selectors.NOTE_WALK_MIN": 1, "search.probe.NOTE_WALK_FROM": 10**9},
        "note-ids",
        {"note_text_trgm", "contact_sort_idx"},
    ),
    "note, a frequent word: contacts walked in name order": (
        "contact",
        {"q": "kontrakt", "type": "note"},
        {"search.probe.NOTE_WALK_FROM": 1},
        "note-walk",
        # The walk probes each contact's notes; the count is proved over the cap (or not)
        # from the newest matching notes, walked backwards on their primary key.
        {"contact_sort_idx", "activities_note_contact_id_494adab4", "activities_note_pkey"},
    ),
    "note, too many contacts: trigram": (
        "contact",
        {"q": "kontrakt 12", "type": "note"},
        {"search.probe.NOTE_IDS_MAX": 0, "search.probe.NOTE_WALK_FROM": 10**9},
        "trigram",
        {"note_text_trgm"},
    ),
    "company name": ("company", {"q": "gruppen 12 "}, {}, "trigram", {"company_name_trgm"}),
    "company name, short walk": ("company", {"q": "12"}, {}, "walk", {"company_sort_idx"}),
    "company customer number": (
        "company",
        {"q": "50012", "type": "customer_number"},
        {},
        "trigram",
        {"company_custno_trgm"},
    ),
    "company customer number, short walk": (
        "company",
        {"q": "12", "type": "customer_number"},
        {},
        "walk",
        {"company_sort_idx"},
    ),
    "company note": (
        "company",
        {"q": "firmamøte nr 12", "type": "note"},
        {},
        "trigram",
        {"note_text_trgm"},
    ),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_each_query_shape_is_planned_on_its_index(firm, shape, monkeypatch):
    kind, params, limits, plan, indexes = SHAPES[shape]
    for name, value in limits.items():
        monkeypatch.setattr(name, value)
    query = QueryDict(mutable=True)
    query.update({"kind": kind, **params})
    result, plans = plans_of(lambda: search(params=query, user=firm))
    assert result.plan == plan
    assert result.hits, "the term should find something"
    assert indexes <= plans.indexes, plans
    assert not plans.seq_scans & BIG_TABLES, plans


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "ha", "type": "last_name"}, {"q": "ingr", "type": "first_name"}],
    ids=["every contact", "a short walk", "distinct names"],
)
def test_a_deeper_pages_row_columns_are_computed_for_its_own_rows_alone(firm, params):
    # The plan finds the page's ids; the rows are read by key with their companies,
    # address and categories. Read in the plan's own query, those were computed for each
    # row the OFFSET passed over too: page 100 of every contact took 100 ms, now 12.
    query = QueryDict(mutable=True)
    query.update(params)
    with CaptureQueriesContext(connection) as captured:
        result = search(params=query, user=firm, page=3)
    assert result.page == 3 and len(result.hits) == 50
    page_sql = next(q["sql"] for q in captured.captured_queries if "company_list" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {page_sql}")
        raw = cursor.fetchone()[0]
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]

    def subplans(node):
        if node.get("Parent Relationship") == "SubPlan":
            yield node
        for child in node.get("Plans", []):
            yield from subplans(child)

    loops = [node["Actual Loops"] for node in subplans(plan)]
    assert loops and max(loops) == 50, loops


def _email_search(user, term, page=1, **more):
    query = QueryDict(mutable=True)
    query.update({"q": term, "type": "email", **more})
    result = search(params=query, user=user, page=page)
    return result.plan, [hit.pk for hit in result.hits], result.count, result.over_cap


@pytest.mark.parametrize("page", [1, 2, 7])
def test_a_frequent_address_walked_in_name_order_gives_the_address_plans_pages(
    firm, page, monkeypatch
):
    words = _email_search(firm, "example", page)
    monkeypatch.setattr("search.probe.EMAIL_WORDS_MAX", -1)  # the words' plan gives way
    plan, hits, count, over = _email_search(firm, "example", page)
    monkeypatch.setattr("search.probe.EMAIL_WALK_SHARE", 2)  # never frequent
    assert plan == "email-walk"
    assert ("email-keys", hits, count, over) == _email_search(firm, "example", page)
    assert ("email-words", hits, count, over) == words
    assert len(hits) == 50 and count == CONTACTS


def test_a_frequent_name_part_beyond_the_walks_window_is_found_from_the_addresses(
    firm, monkeypatch
):
    monkeypatch.setattr("search.probe.EMAIL_WORDS_MAX", -1)  # the words' plan gives way
    monkeypatch.setattr("search.probe.EMAIL_WALK_SHARE", 0)  # every term frequent
    monkeypatch.setattr("search.selectors.EMAIL_WALK_WINDOW", 10)  # only Aasen in reach
    plan, hits, count, _over = _email_search(firm, "thorhansen")
    assert plan == "email-keys"
    assert count == CONTACTS // len(LAST_NAMES)
    assert set(Contact.objects.filter(pk__in=hits).values_list("last_name", flat=True)) == {
        "Thorhansen"
    }


def test_a_narrowed_frequent_address_search_is_not_walked(firm):
    # Each word's addresses are walked, each one's contact tested against the narrowing.
    plan, hits, count, _over = _email_search(firm, "example", selection="mine")
    assert plan == "email-words"
    assert count == Contact.objects.filter(owner=firm).count()
    assert set(Contact.objects.filter(pk__in=hits).values_list("owner", flat=True)) == {firm.pk}


def test_the_apis_cursor_pages_walk_the_names_like_the_panel(firm):
    """``contact_matches`` read by the API's cursor pages (api/cursor.py): a page after
    a cursor is the same index-only walk of ``contact_sort_cover_idx`` as the panel's."""
    from api import cursor
    from search.selectors import contact_matches

    query = QueryDict(mutable=True)
    query.update({"q": "han"})

    def reads(walk):
        return Contact.objects.filter(pk__in=walk.values("pk"))

    def second_page():
        matches = contact_matches(params=query, user=firm)
        _rows, following = cursor.page(
            matches, cursor=None, limit=50, key_field="sort_key", reads=reads
        )
        return cursor.page(matches, cursor=following, limit=50, key_field="sort_key", reads=reads)

    (rows, _following), plans = plans_of(second_page)
    assert len(rows) == 50 and all("han" in c.last_name.lower() for c in rows)
    assert {"contact_last_name_key_idx", "contact_sort_cover_idx"} <= plans.indexes, plans
    assert not plans.seq_scans & BIG_TABLES, plans
