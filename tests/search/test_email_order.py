"""The e-mail search sorts the matching addresses by their contacts' names from the key
each address carries (``ContactEmail.contact_sort_key``), and a term of letters only from
the addresses' words (``search.models.AddressWord``), both kept by the database: these
tests change names and move addresses the ways the product does, then search, by either
plan (the words' plan gives way to the other when a term is in too many words).
"""

import pytest
from django.http import QueryDict

from contacts.models import Contact, ContactEmail
from contacts.services import contact_create, contact_update
from crm.bulk import copy_rows
from duplicates.services import merge_undo, records_merge
from history.models import ContactEmailEvent, Entry
from search import probe
from search.selectors import search


@pytest.fixture(params=["email-words", "email-keys"])
def plan(request, monkeypatch):
    if request.param == "email-keys":
        monkeypatch.setattr(probe, "EMAIL_WORDS_MAX", -1)
    return request.param


def _names(user, term, plan, page=1):
    """The page's names and the count. The first name comes from a search for one hit
    (the typing dropdown's kind): which contacts make a page is the addresses' keys'
    doing, while the rows of a page are shown in the contacts' own order."""
    query = QueryDict(mutable=True)
    query.update({"q": term, "type": "email"})
    result = search(params=query, user=user, page=page)
    assert result.plan == plan
    names = [hit.full_name for hit in result.hits]
    if page == 1:
        first = search(params=query, user=user, limit=1)
        assert [hit.full_name for hit in first.hits] == names[:1]
    return names, result.count


@pytest.fixture
def firm_of_three(staff):
    # Created in the reverse of name order, so that ids tell nothing of it.
    people = [("Per", "Foss"), ("Ola", "Dahl"), ("Kari", "Berg")]
    created = [
        contact_create(first_name=first, last_name=last, emails=[f"{first.lower()}@kunde.no"])
        for first, last in people
    ]
    return created[::-1]


def test_the_matches_are_listed_in_name_order(plan, staff, firm_of_three):
    assert _names(staff, "kunde", plan) == (["Kari Berg", "Ola Dahl", "Per Foss"], 3)


def test_a_renamed_contact_moves_to_its_new_place(plan, staff, firm_of_three):
    berg, _dahl, _foss = firm_of_three
    contact_update(contact=berg, last_name="Øvrebø")
    assert _names(staff, "kunde", plan)[0] == ["Ola Dahl", "Per Foss", "Kari Øvrebø"]


def test_a_rename_is_the_contacts_event_and_not_its_addresses(staff, firm_of_three):
    berg = firm_of_three[0]
    address_events = ContactEmailEvent.objects.filter(pgh_obj__contact=berg).count()
    before = set(Entry.objects.filter(contact=berg).values_list("pk", flat=True))
    contact_update(contact=berg, last_name="Aas")
    assert ContactEmailEvent.objects.filter(pgh_obj__contact=berg).count() == address_events
    new = Entry.objects.filter(contact=berg).exclude(pk__in=before)
    assert list(new.values_list("verb", flat=True)) == ["contacts.changed"]


def test_new_addresses_take_their_contacts_place(plan, staff, firm_of_three):
    _berg, _dahl, foss = firm_of_three
    contact_update(contact=foss, emails=["per@kunde.no", "per.foss@annen.no"])
    contact_update(contact=foss, last_name="Aune")
    assert _names(staff, "per", plan)[0] == ["Per Aune"]
    assert _names(staff, "kunde", plan)[0] == ["Per Aune", "Kari Berg", "Ola Dahl"]


def test_a_contact_with_two_matching_addresses_is_listed_once(plan, staff, firm_of_three):
    dahl = firm_of_three[1]
    contact_update(contact=dahl, emails=["ola@kunde.no", "ola.dahl@kunde.no"])
    assert _names(staff, "kunde", plan) == (["Kari Berg", "Ola Dahl", "Per Foss"], 3)


def test_merged_addresses_follow_the_survivor_and_go_back_on_undo(
    plan, staff, firm_admin, firm_of_three
):
    berg, dahl, foss = firm_of_three
    merge = records_merge(survivor=foss, loser=berg, take_from_loser=[], actor=firm_admin)
    # Kari's address now belongs to Per Foss, and sorts with him.
    assert _names(staff, "kari", plan)[0] == ["Per Foss"]
    assert _names(staff, "kunde", plan) == (["Ola Dahl", "Per Foss"], 2)
    merge_undo(merge=merge, actor=firm_admin)
    assert _names(staff, "kari", plan)[0] == ["Kari Berg"]
    assert _names(staff, "kunde", plan) == (["Kari Berg", "Ola Dahl", "Per Foss"], 3)


def test_addresses_loaded_in_bulk_without_the_history_capture_still_get_their_key(plan, staff):
    # The demo data and the imports COPY rows with the history triggers switched off;
    # the key is kept all the same, and the capture is on again afterwards.
    early = Contact.objects.create(first_name="Liv", last_name="Vik")
    late = Contact.objects.create(first_name="Liv", last_name="Aas")
    copy_rows(
        "contacts_contactemail",
        ["contact_id", "email", "position"],
        [(early.pk, "liv@masse.no", 0), (late.pk, "liv.aas@masse.no", 0)],
        without_triggers=True,
    )
    assert not ContactEmailEvent.objects.filter(pgh_obj__contact__in=[late, early]).exists()
    assert _names(staff, "masse", plan)[0] == ["Liv Aas", "Liv Vik"]
    ContactEmail.objects.create(contact=late, email="liv@annen.no", position=1)
    assert ContactEmailEvent.objects.filter(pgh_obj__contact=late).count() == 1


def test_a_page_past_the_last_shows_the_last(plan, staff):
    for i in range(60):
        contact_create(first_name="Ane", last_name=f"Navn{i:02d}", emails=[f"ane{i}@side.no"])
    names, count = _names(staff, "side", plan, page=9)
    assert count == 60
    assert names == [f"Ane Navn{i:02d}" for i in range(50, 60)]
