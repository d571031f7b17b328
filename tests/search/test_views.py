import pytest
from django.http import QueryDict
from django.urls import reverse

from tests.companies.factories import CompanyFactory, CompanyLinkFactory
from tests.contacts.factories import CategoryFactory, ContactEmailFactory, ContactFactory

pytestmark = pytest.mark.django_db

URL = reverse("search:results")


def names(response):
    return [f"{c.last_name}" for c in response.context["result"].hits]


def get(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


@pytest.fixture
def people(db):
    for last in ["Hansen", "Johansen", "Thorhansen", "Hanssen", "Ås", "Aas", "Øst", "Ost"]:
        ContactFactory(last_name=last, first_name="Per")


def test_anonymous_goes_to_login(client):
    response = client.get(URL, {"q": "hanse"})
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_no_crm_access_is_403(client, no_access_user):
    client.force_login(no_access_user)
    assert client.get(URL, {"q": "hanse"}).status_code == 403


def test_hanse_finds_substrings_not_hanssen(staff_client, people):
    assert names(get(staff_client, q="hanse")) == ["Hansen", "Johansen", "Thorhansen"]


@pytest.mark.parametrize("typed", ["HANSE", "  hanse  ", "HaNsE"])
def test_matching_ignores_case_and_surrounding_spaces(staff_client, people, typed):
    assert names(get(staff_client, q=typed)) == ["Hansen", "Johansen", "Thorhansen"]


def test_norwegian_letters_are_not_folded(staff_client, people):
    assert names(get(staff_client, q="å")) == ["Ås"]
    assert names(get(staff_client, q="Ø")) == ["Øst"]
    assert names(get(staff_client, q="os")) == ["Ost"]


def test_percent_and_underscore_are_literal(staff_client, people):
    ContactFactory(last_name="100%_Berg")
    assert names(get(staff_client, q="%")) == ["100%_Berg"]
    assert names(get(staff_client, q="_")) == ["100%_Berg"]


def test_long_input_is_a_message_not_an_error(staff_client, people):
    response = get(staff_client, q="x" * 201)
    assert response.context["result"].hits == []
    assert "200" in response.content.decode()
    assert get(staff_client, q="x" * 200).context["result"].hits == []


def test_empty_input_lists_every_contact_in_name_order(staff_client, people):
    response = get(staff_client, q="")
    assert names(response) == [
        "Aas",
        "Hansen",
        "Hanssen",
        "Johansen",
        "Ost",
        "Thorhansen",
        "Øst",
        "Ås",
    ]
    assert "Alle kontakter" in response.text


def test_empty_input_is_narrowable(staff_client, people):
    chosen = CategoryFactory(name="VIP")
    ContactFactory(last_name="Viktig").categories.add(chosen)
    assert names(get(staff_client, q="", category=chosen.pk)) == ["Viktig"]


def test_norwegian_order(staff_client):
    for last in ["Zahl", "Øst", "Ås", "Æra", "de Vries", "Berg"]:
        ContactFactory(last_name=last, first_name="Per")
    got = names(get(staff_client, q="per", type="first_name"))
    assert got == ["Berg", "de Vries", "Zahl", "Æra", "Øst", "Ås"]


def test_starts_with(staff_client, people):
    assert names(get(staff_client, q="hans", match="starts")) == ["Hansen", "Hanssen"]


def test_first_and_full_name(staff_client):
    ContactFactory(first_name="Kari", last_name="Nordmann")
    ContactFactory(first_name="Ola", last_name="Kari")
    assert names(get(staff_client, q="kari", type="first_name")) == ["Nordmann"]
    assert names(get(staff_client, q="kari nord", type="full_name")) == ["Nordmann"]


def test_email_search(staff_client):
    ContactEmailFactory(contact=ContactFactory(last_name="Epost"), email="ola.epost@firma.no")
    ContactEmailFactory(contact=ContactFactory(last_name="Annen"), email="x@y.no")
    assert names(get(staff_client, q="EPOST@FIRMA", type="email")) == ["Epost"]


def test_phone_digits_match_however_typed(staff_client):
    ContactFactory(last_name="Telefon", mobile="+4741234567")
    ContactFactory(last_name="Annen", mobile="+4799999999")
    for typed in ["412 34 567", "+47 41234567", "1234"]:
        assert names(get(staff_client, q=typed, type="phone")) == ["Telefon"]


def test_customer_number_search(staff_client):
    ContactFactory(last_name="Kunde").__class__.objects.filter(last_name="Kunde").update(
        customer_number=10042
    )
    ContactFactory(last_name="Ikke")
    assert names(get(staff_client, q="1004", type="customer_number", match="starts")) == ["Kunde"]


def test_selection_mine(staff_client, staff, other_staff):
    ContactFactory(last_name="Hansen", owner=staff)
    ContactFactory(last_name="Johansen", owner=other_staff)
    assert names(get(staff_client, q="hanse", selection="mine")) == ["Hansen"]


def test_selection_private_customers(staff_client):
    ContactFactory(last_name="Hansen")
    c = ContactFactory(last_name="Johansen")
    type(c).objects.filter(pk=c.pk).update(customer_number=10001)
    assert names(get(staff_client, q="hanse", selection="private")) == ["Johansen"]


def test_selection_linked_to_company(staff_client):
    CompanyLinkFactory(
        contact=ContactFactory(last_name="Hansen"), company=CompanyFactory(name="Fjord AS")
    )
    CompanyLinkFactory(
        contact=ContactFactory(last_name="Johansen"), company=CompanyFactory(name="Berg AS")
    )
    ContactFactory(last_name="Thorhansen")
    got = names(get(staff_client, q="hanse", selection="company", company="fjord"))
    assert got == ["Hansen"]
    assert names(get(staff_client, q="hanse", selection="company")) == ["Hansen", "Johansen"]


def test_selection_my_categories(staff_client, staff, other_staff):
    vip, press = CategoryFactory(name="VIP"), CategoryFactory(name="Presse")
    ContactFactory(last_name="Mine", owner=staff).categories.add(vip)
    ContactFactory(last_name="Hansen", owner=other_staff).categories.add(vip)
    ContactFactory(last_name="Johansen", owner=other_staff).categories.add(press)
    assert names(get(staff_client, q="", selection="my_categories")) == ["Hansen", "Mine"]


def test_category_one_or_more(staff_client):
    vip, press, other = (
        CategoryFactory(name="VIP"),
        CategoryFactory(name="Presse"),
        CategoryFactory(),
    )
    ContactFactory(last_name="Hansen").categories.add(vip, press)
    ContactFactory(last_name="Johansen").categories.add(press)
    ContactFactory(last_name="Thorhansen").categories.add(other)
    assert names(get(staff_client, q="hanse", category=[vip.pk])) == ["Hansen"]
    assert names(get(staff_client, q="hanse", category=[vip.pk, press.pk])) == [
        "Hansen",
        "Johansen",
    ]


def test_company_search_by_name(staff_client):
    CompanyFactory(name="Hansen Bygg AS")
    CompanyFactory(name="Fjord AS")
    response = get(staff_client, q="hanse", kind="company")
    assert [c.name for c in response.context["result"].hits] == ["Hansen Bygg AS"]


def test_hit_list_shows_companies_positions_phone_email(staff_client):
    contact = ContactFactory(last_name="Hansen", mobile="+4741234567")
    ContactEmailFactory(contact=contact, email="per@hansen.no")
    CompanyLinkFactory(contact=contact, company=CompanyFactory(name="Fjord AS"), position="Selger")
    html = get(staff_client, q="hanse").content.decode()
    for text in [
        "Fjord AS",
        "Selger",
        "+47 41 23 45 67",
        "per@hansen.no",
        contact.get_absolute_url(),
    ]:
        assert text in html


def test_pagination(staff_client):
    ContactFactory.create_batch(55, last_name="Hansen")
    first = get(staff_client, q="hanse")
    assert len(first.context["result"].hits) == 50
    second = get(staff_client, q="hanse", page="2")
    assert len(second.context["result"].hits) == 5
    assert second.context["result"].count == 55


def test_count_over_the_cap(staff_client, settings):
    settings.SEARCH_COUNT_CAP = 3
    ContactFactory.create_batch(5, last_name="Hansen")
    result = get(staff_client, q="hanse").context["result"]
    assert result.over_cap and result.count == 3
    assert len(result.hits) == 5
    settings.SEARCH_COUNT_CAP = 5
    result = get(staff_client, q="hanse").context["result"]
    assert not result.over_cap and result.count == 5


def test_htmx_gets_only_the_hit_list(staff_client, people):
    response = staff_client.get(URL, {"q": "hanse"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="hit-list"' in html and "<html" not in html


def test_panel_is_on_every_crm_page_and_keeps_the_query(staff_client, people):
    home = staff_client.get(reverse("home")).content.decode()
    assert "data-search-field" in home
    page = get(staff_client, q="hanse", selection="mine").content.decode()
    assert 'value="hanse"' in page
    assert '<option value="mine" selected>' in page


def test_query_count_is_fixed(staff_client, django_assert_max_num_queries):
    for i in range(30):
        contact = ContactFactory(last_name=f"Hansen{i}")
        ContactEmailFactory(contact=contact)
        CompanyLinkFactory(contact=contact)
    with django_assert_max_num_queries(6):
        staff_client.get(URL, {"q": "hanse"})
    with django_assert_max_num_queries(5):
        staff_client.get(URL, {"q": "hanse"}, headers={"HX-Request": "true"})


# The query shapes (search/selectors.py): results and order, whichever plan answers.


def search_names(**params):
    from django.http import QueryDict

    from search.selectors import search

    page = int(params.pop("page", 1))
    user = params.pop("user", None)
    query = QueryDict(mutable=True)
    for name, value in params.items():
        query[name] = value
    return search(params=query, user=user, page=page)


def last_names(result):
    return [(c.last_name, c.first_name) for c in result.hits]


@pytest.fixture
def spread(db):
    # Matches of «ol» lie in runs far apart in the sort order, with a last name that
    # contains a space (its rows sort inside those of «Berg»).
    for last, first in [
        ("Aasen", "Kari"),
        ("Berg", "Zed"),
        ("Berg Olsen", "Per"),
        ("Bergersen", "Ola"),
        ("Holm", "Anne"),
        ("Holm", "Bjørn"),
        ("Nygård", "Ola"),
        ("Olsen", "Eva"),
        ("Solberg", "Ivar"),
        ("Østby", "Ole"),
    ]:
        ContactFactory(last_name=last, first_name=first)


def test_names_plan_finds_runs_far_apart_in_order(spread):
    result = search_names(q="ol")
    assert result.plan == "names"
    assert last_names(result) == [
        ("Berg Olsen", "Per"),
        ("Holm", "Anne"),
        ("Holm", "Bjørn"),
        ("Olsen", "Eva"),
        ("Solberg", "Ivar"),
    ]
    assert result.count == 5 and not result.over_cap


def test_names_plan_keeps_rows_of_a_shorter_name_after_a_longer_one(spread):
    # «berg ola…» < «berg zed»: the walk's upper bound must cover both names' rows.
    result = search_names(q="BERG")
    assert [name for name, _first in last_names(result)] == [
        "Berg Olsen",
        "Berg",
        "Bergersen",
        "Solberg",
    ]


def test_names_plan_starts_with_and_no_match(spread):
    assert [n for n, _f in last_names(search_names(q="ol", match="starts"))] == ["Olsen"]
    result = search_names(q="qxz")
    assert result.plan == "names" and result.hits == [] and result.count == 0


def test_names_plan_pages_in_order_and_counts(spread):
    ContactFactory.create_batch(60, last_name="Holm", first_name="Zz")
    first = search_names(q="ol")
    assert len(first.hits) == 50 and first.count == 65 and first.pages == 2
    second = search_names(q="ol", page="2")
    assert [n for n, _f in last_names(second)] == ["Holm"] * 13 + ["Olsen", "Solberg"]
    # The hit lists of both pages join up without a gap or a repeat.
    everything = [c.pk for c in first.hits] + [c.pk for c in second.hits]
    assert len(set(everything)) == 65


def test_names_plan_with_narrowing_counts_the_narrowed_walk(spread, staff):
    ContactFactory.create_batch(51, last_name="Holm", owner=staff)
    result = search_names(q="ol", selection="private")
    assert result.hits == [] and result.count == 0
    from search.selectors import search

    query = QueryDict("q=ol&selection=mine")
    result = search(params=query, user=staff)
    assert len(result.hits) == 50 and result.count == 51


@pytest.fixture
def few_probe_steps(monkeypatch):
    # More distinct last names than the probe walks: the general plans answer.
    monkeypatch.setattr("search.probe.PROBE_STEPS", 2)


def test_trigram_plan_when_the_probe_gives_way(spread, people, few_probe_steps):
    result = search_names(q="hanse")
    assert result.plan == "trigram"
    assert [n for n, _f in last_names(result)] == ["Hansen", "Johansen", "Thorhansen"]


def test_first_name_search_plans_from_the_distinct_first_names(spread):
    result = search_names(q="ola", type="first_name")
    assert result.plan == "names"
    assert last_names(result) == [("Bergersen", "Ola"), ("Nygård", "Ola")]


def test_first_name_names_plan_pages_and_counts(spread):
    ContactFactory.create_batch(60, last_name="Holm", first_name="Nikolai")
    first = search_names(q="ola", type="first_name")
    assert first.plan == "names" and len(first.hits) == 50 and first.count == 62
    second = search_names(q="ola", type="first_name", page="2")
    assert [n for n, _f in last_names(second)] == ["Holm"] * 11 + ["Nygård"]
    assert {c.pk for c in first.hits}.isdisjoint({c.pk for c in second.hits})


def test_first_name_names_plan_respects_narrowing(spread, staff):
    ContactFactory(last_name="Eiersen", first_name="Ola", owner=staff)
    result = search_names(q="ola", type="first_name", selection="mine", user=staff)
    assert last_names(result) == [("Eiersen", "Ola")]


def test_trigram_plan_for_other_search_types(spread, few_probe_steps):
    result = search_names(q="ola", type="first_name")
    assert result.plan == "trigram"
    assert last_names(result) == [("Bergersen", "Ola"), ("Nygård", "Ola")]


def test_short_term_walk_when_the_probe_gives_way(spread, few_probe_steps):
    result = search_names(q="ol")
    assert result.plan == "walk"
    assert [n for n, _f in last_names(result)] == [
        "Berg Olsen",
        "Holm",
        "Holm",
        "Olsen",
        "Solberg",
    ]


def test_short_term_walk_pages_and_counts(spread, few_probe_steps):
    ContactFactory.create_batch(60, last_name="Holm", first_name="Zz")
    result = search_names(q="ol")
    assert result.plan == "walk" and len(result.hits) == 50 and result.count == 65


def test_count_is_skipped_when_page_one_is_not_full(spread, django_assert_num_queries):
    search_names(q="ol")  # the panel's category choices, read once and cached
    with django_assert_num_queries(2):  # the names probe and the page
        result = search_names(q="ol")
    assert result.count == 5
    ContactFactory.create_batch(60, last_name="Holm")
    with django_assert_num_queries(3):  # … and the capped count
        result = search_names(q="ol")
    assert result.count == 65


def test_over_the_cap_from_the_names_count(spread, settings):
    settings.SEARCH_COUNT_CAP = 52
    ContactFactory.create_batch(60, last_name="Holm")
    result = search_names(q="ol")
    assert result.over_cap and result.count == 52 and result.pages == 2


def test_new_category_shows_in_the_panel_at_once(staff_client):
    assert "Nyhet" not in staff_client.get(reverse("home")).content.decode()
    CategoryFactory(name="Nyhet")
    assert "Nyhet" in staff_client.get(reverse("home")).content.decode()


def test_panel_category_boxes_are_cached(staff_client, django_assert_max_num_queries):
    CategoryFactory(name="VIP")
    staff_client.get(reverse("home"))
    with django_assert_max_num_queries(6):
        response = get(staff_client, q="hanse")
    assert "VIP" in response.content.decode()


def test_name_probe_is_skipped_when_statistics_show_too_many_names(spread, monkeypatch):
    from django.db import connection

    from contacts.models import Contact
    from search.probe import name_probe

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE contacts_contact")  # 9 distinct last names
    # Two names are left, few enough to walk, but the statistics still say 9: the probe
    # trusts them and does not walk at all.
    Contact.objects.exclude(last_name__in=["Olsen", "Holm"]).delete()
    monkeypatch.setattr("search.probe.PROBE_STEPS", 5)
    assert name_probe("last_name", "ol", starts=False) is None
    assert search_names(q="ol").plan == "walk"
    monkeypatch.setattr("search.probe.PROBE_STEPS", 9)
    assert [name for _key, name in name_probe("last_name", "ol", starts=False)] == [
        "Holm",
        "Olsen",
    ]


@pytest.mark.parametrize(
    ("type", "typed", "label"),
    [("full_name", "ol", "fullt navn"), ("email", "ha", "e-post"), ("phone", "4 1", "telefon")],
)
def test_short_terms_for_trigram_only_types_get_a_message(staff_client, type, typed, label):
    ContactFactory(last_name="Olsen", first_name="Ola", mobile="+4741234567")
    response = get(staff_client, q=typed, type=type)
    assert response.status_code == 200
    assert f"Skriv minst 3 tegn for å søke på {label}." in response.text
    assert response.context["result"].hits == []
    assert f'value="{typed}"' in response.text


def test_short_last_and_first_names_and_customer_numbers_are_searched(staff_client):
    ContactFactory(last_name="Olsen", first_name="Ola")
    assert names(get(staff_client, q="o", type="last_name")) == ["Olsen"]
    assert names(get(staff_client, q="o", type="first_name")) == ["Olsen"]


def test_the_empty_panel_pages_every_contact(staff_client):
    ContactFactory.create_batch(55)
    response = get(staff_client)
    assert len(response.context["result"].hits) == 50
    assert response.context["result"].count == 55
    assert len(get(staff_client, page=2).context["result"].hits) == 5


def test_hits_show_their_category_badges(staff_client):
    ContactFactory(last_name="Hansen").categories.add(
        CategoryFactory(name="Leverandør"), CategoryFactory(name="Kunde")
    )
    text = get(staff_client, q="hans").text
    assert text.index(">Kunde</span>") < text.index(">Leverandør</span>")


def test_the_matched_letters_are_marked_and_names_escaped(staff_client):
    ContactFactory(last_name="<b>Hansen</b>", first_name="Kari")
    text = get(staff_client, q="hans").text
    assert "&lt;b&gt;<mark>Hans</mark>en&lt;/b&gt;" in text


def test_every_cell_of_a_hit_row_is_escaped(staff_client):
    contact = ContactFactory(last_name="Hansen", first_name="<i>Kari</i>", customer_number=None)
    contact.categories.add(CategoryFactory(name="<u>VIP</u>"))
    ContactEmailFactory(contact=contact, email="kari@<x>.no")
    CompanyLinkFactory(
        contact=contact, company=CompanyFactory(name="<s>Fjord</s> AS"), position="<em>Sjef</em>"
    )
    CompanyFactory(name="<s>Hansen</s> AS", email="post@<y>.no")
    text = get(staff_client, q="hans").text
    for shown in ("&lt;i&gt;Kari&lt;/i&gt;", "&lt;u&gt;VIP&lt;/u&gt;", "kari@&lt;x&gt;.no"):
        assert shown in text
    assert "&lt;s&gt;Fjord&lt;/s&gt; AS</a>" in text
    assert '<span class="text-body-secondary">(&lt;em&gt;Sjef&lt;/em&gt;)</span>' in text
    companies = get(staff_client, q="hans", kind="company").text
    assert "&lt;s&gt;<mark>Hans</mark>en&lt;/s&gt; AS" in companies
    assert "post@&lt;y&gt;.no" in companies
    for raw in ("<i>", "<u>", "<x>", "<y>", "<s>", "<em>"):
        assert raw not in text + companies


def test_a_page_change_scrolls_to_the_top_of_the_list(staff_client):
    ContactFactory.create_batch(51, last_name="Hansen")
    assert 'hx-swap="outerHTML show:#hit-list:top"' in get(staff_client, q="hans").text


def test_hit_rows_show_the_first_phone_formatted(staff_client):
    ContactFactory(last_name="Mobilsen", mobile="+4741234567", work_phone="+4722334455")
    ContactFactory(last_name="Jobbsen", mobile="", work_phone="+4722334455")
    ContactFactory(last_name="Utensen", mobile="", work_phone="", private_phone="")
    text = get(staff_client, q="sen").text
    assert '<a href="tel:+47-41-23-45-67">+47 41 23 45 67</a>' in text
    assert '<a href="tel:+47-22-33-44-55">+47 22 33 44 55</a>' in text
    assert text.count('href="tel:') == 2
