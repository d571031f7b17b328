"""The e-mail search for a term of letters only is planned from the addresses' words
(``search.models``): what each address holds as words, how they follow its edits, and the
count. Which contacts come in which order, through renames, merges and bulk loads, is
``test_email_order``'s, for this plan and the other."""

import io

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.urls import reverse

from contacts.models import ContactEmail
from contacts.services import contact_create, contact_delete, contact_update
from exports.services import contact_erase
from search import probe
from search.models import KnownWord
from search.selectors import search
from tests.companies.factories import CompanyFactory, CompanyLinkFactory
from tests.contacts.factories import CategoryFactory
from tests.crm.factories import UserFactory


def _search(user, term, page=1):
    query = QueryDict(mutable=True)
    query.update({"q": term, "type": "email"})
    result = search(params=query, user=user, page=page)
    return result.plan, [hit.full_name for hit in result.hits], result.count, result.over_cap


def _found(user, term):
    plan, names, _count, _over = _search(user, term)
    return plan, names


@pytest.mark.parametrize(
    "term",
    ["hanse", "HANSE", "Johansen", "ohan", "firma", "irm", "ola"],
)
def test_a_term_of_letters_is_found_inside_a_word_whatever_its_case(staff, term):
    contact_create(first_name="Ola", last_name="Johansen", emails=["Ola.JOHANSEN@Firma.no"])
    contact_create(first_name="Eva", last_name="Lie", emails=["eva@lie.se"])
    assert _found(staff, term) == ("email-words", ["Ola Johansen"])


def test_norwegian_letters_belong_to_the_word(staff):
    contact_create(first_name="Bjørn", last_name="Ødegård", emails=["bjørn.ødegård@fjord.no"])
    assert _found(staff, "ødeg") == ("email-words", ["Bjørn Ødegård"])
    assert _found(staff, "ØDEGÅRD") == ("email-words", ["Bjørn Ødegård"])
    assert _found(staff, "rnød") == ("email-words", [])


def test_a_term_across_digits_or_punctuation_is_found_by_the_other_plan(staff):
    contact_create(first_name="Per", last_name="Hansen", emails=["per2024hansen@post.no"])
    # Words: PER, HANSEN, POST, NO; the digits and the dots are no part of any.
    assert _found(staff, "hansen") == ("email-words", ["Per Hansen"])
    assert _found(staff, "2024") == ("email-keys", ["Per Hansen"])
    assert _found(staff, "per2024") == ("email-keys", ["Per Hansen"])
    assert _found(staff, "hansen@post") == ("email-keys", ["Per Hansen"])
    assert _found(staff, "perhansen") == ("email-words", [])


def test_an_edited_address_is_found_by_its_new_words_only(staff):
    kari = contact_create(first_name="Kari", last_name="Berg", emails=["kari@kunde.no"])
    contact_update(contact=kari, emails=["kari@leverandor.no"])
    assert _found(staff, "kunde") == ("email-words", [])
    assert _found(staff, "leverandor") == ("email-words", ["Kari Berg"])


def test_reordering_addresses_keeps_each_found_once(staff):
    kari = contact_create(
        first_name="Kari", last_name="Berg", emails=["kari@kunde.no", "berg@kunde.no"]
    )
    # The admin's order of the addresses: a new position, nothing else.
    ContactEmail.objects.filter(contact=kari, position=0).update(position=5)
    assert _search(staff, "kunde") == ("email-words", ["Kari Berg"], 1, False)
    assert _found(staff, "berg") == ("email-words", ["Kari Berg"])


def test_a_deleted_contact_is_no_longer_found_or_counted(staff):
    for name in ["Aas", "Berg", "Dahl"]:
        contact_create(first_name="Liv", last_name=name, emails=[f"liv.{name.lower()}@kunde.no"])
    berg = contact_create(first_name="Kari", last_name="Berg", emails=["kari@kunde.no"])
    contact_delete(contact=berg)
    assert _search(staff, "kunde") == (
        "email-words",
        ["Liv Aas", "Liv Berg", "Liv Dahl"],
        3,
        False,
    )


def test_the_count_stops_over_the_cap(staff, settings):
    settings.SEARCH_COUNT_CAP = 3
    for i in range(5):
        contact_create(first_name="Ane", last_name=f"Navn{i}", emails=[f"ane{i}@kunde.no"])
    plan, names, count, over = _search(staff, "kunde")
    assert (plan, len(names), count, over) == ("email-words", 5, 3, True)


def test_contacts_with_several_matching_addresses_are_counted_once(staff, settings):
    # The first cap + 1 addresses hold fewer contacts than the cap: every match is counted.
    settings.SEARCH_COUNT_CAP = 2
    contact_create(first_name="Ane", last_name="Aas", emails=["ane@kunde.no", "ane.aas@kunde.no"])
    contact_create(first_name="Bo", last_name="Berg", emails=["bo@kunde.no"])
    assert _search(staff, "kunde") == ("email-words", ["Ane Aas", "Bo Berg"], 2, False)


def test_each_page_continues_the_last_across_words(staff):
    # Two words hold «sen» (HANSEN, OLSEN), and the pages take from both in name order.
    for i in range(30):
        contact_create(first_name="Ola", last_name=f"Hansen{i:02d}", emails=[f"o{i}@hansen.no"])
        contact_create(first_name="Kari", last_name=f"Olsen{i:02d}", emails=[f"k{i}@olsen.no"])
    first = _search(staff, "sen", page=1)
    second = _search(staff, "sen", page=2)
    assert first[0] == second[0] == "email-words"
    assert first[2] == second[2] == 60
    expected = [f"Ola Hansen{i:02d}" for i in range(30)] + [
        f"Kari Olsen{i:02d}" for i in range(30)
    ]
    assert first[1] + second[1] == expected


def test_a_term_in_more_words_than_it_walks_gives_way(staff, monkeypatch):
    contact_create(first_name="Ola", last_name="Hansen", emails=["ola@hansen.no"])
    contact_create(first_name="Per", last_name="Johansen", emails=["per@johansen.no"])
    monkeypatch.setattr(probe, "EMAIL_WORDS_MAX", 2)
    assert _found(staff, "hansen") == ("email-words", ["Ola Hansen", "Per Johansen"])
    monkeypatch.setattr(probe, "EMAIL_WORDS_MAX", 1)
    assert _found(staff, "hansen") == ("email-keys", ["Ola Hansen", "Per Johansen"])


def test_the_page_reads_within_its_query_budget(staff_client, django_assert_max_num_queries):
    for i in range(60):
        contact_create(first_name="Ane", last_name=f"Navn{i:02d}", emails=[f"ane{i}@kunde.no"])
    url, params = reverse("search:results"), {"q": "kunde", "type": "email"}
    staff_client.get(url, params)  # the panel's category boxes, remembered after
    # The session, the user, the words (page and count), the page's contacts.
    with django_assert_max_num_queries(4):
        response = staff_client.get(url, params, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "Ane Navn00" in page and "Ane Navn49" in page and "Ane Navn50" not in page


def test_an_erased_persons_words_are_forgotten_by_the_nightly_prune(staff, firm_admin):
    zoltan = contact_create(first_name="Zoltan", last_name="Ås", emails=["zoltan.aas@kunde.no"])
    contact_create(first_name="Kari", last_name="Berg", emails=["kari@kunde.no"])
    contact_erase(contact=zoltan, actor=firm_admin)
    assert _found(staff, "zoltan") == ("email-words", [])
    out = io.StringIO()
    call_command("prune_address_words", stdout=out)
    assert out.getvalue().strip() == "Forgot 2 words no address holds."
    known = set(KnownWord.objects.values_list("word", flat=True))
    assert {"ZOLTAN", "AAS"}.isdisjoint(known) and {"KARI", "KUNDE", "NO"} <= known
    # A word forgotten is learnt again from the next address that holds it.
    contact_create(first_name="Zoltan", last_name="Berg", emails=["zoltan@kunde.no"])
    assert _found(staff, "zolt") == ("email-words", ["Zoltan Berg"])
    call_command("prune_address_words", stdout=out)
    assert _found(staff, "zolt") == ("email-words", ["Zoltan Berg"])


@pytest.fixture
def narrowed_firm(staff):
    """Contacts in and out of each narrowing, their addresses in two words of «hansen»."""
    vip = CategoryFactory(name="VIP")
    bygg = CompanyFactory(name="Hansen Bygg AS")
    people = []
    for i in range(12):
        contact = contact_create(
            first_name="Ola",
            last_name=f"Navn{11 - i:02d}",  # created against name order
            emails=[f"ola{i}@{'hansen' if i % 2 else 'johansen'}.no"],
            owner=staff if i % 3 == 0 else None,
            customer_number=1000 + i if i % 4 == 0 else None,
        )
        if i % 5 == 0:
            contact.categories.add(vip)
        if i % 2 == 0:
            CompanyLinkFactory(contact=contact, company=bygg)
        people.append(contact)
    return vip


@pytest.mark.parametrize(
    "narrowing",
    [
        {"selection": "mine"},
        {"selection": "private"},
        {"selection": "company", "company": "bygg"},
        {"category": "vip"},
    ],
    ids=["mine", "private customers", "company", "category"],
)
def test_a_narrowed_search_finds_what_the_other_plan_finds(
    staff, narrowed_firm, narrowing, monkeypatch, settings
):
    settings.SEARCH_COUNT_CAP = 3  # the count over the cap, and exact under it

    def found(page=1):
        query = QueryDict(mutable=True)
        query.update({"q": "hansen", "type": "email", **narrowing})
        if "category" in narrowing:
            query.setlist("category", [str(narrowed_firm.pk)])
        result = search(params=query, user=staff, page=page)
        names = [hit.full_name for hit in result.hits]
        return result.plan, names, result.count, result.over_cap

    words = found()
    monkeypatch.setattr(probe, "EMAIL_WORDS_MAX", -1)
    other = found()
    assert (words[0], other[0]) == ("email-words", "trigram")
    assert words[1:] == other[1:]
    assert words[1] == sorted(words[1]) and words[1]


def test_a_narrowed_search_with_no_hits_counts_none(staff, narrowed_firm):
    query = QueryDict(mutable=True)
    query.update({"q": "hansen", "type": "email", "selection": "mine"})
    result = search(params=query, user=UserFactory(crm_access=True))
    assert (result.plan, result.hits, result.count) == ("email-words", [], 0)
