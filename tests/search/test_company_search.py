"""The search panel with «Bedrift» chosen: the phone and e-mail search types search the
company's own phone and e-mail (search/selectors.py), planned on their trigram indexes."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from search.selectors import search
from tests.companies.factories import CompanyFactory
from tests.search.plans import plans_of

pytestmark = pytest.mark.django_db

URL = reverse("search:results")


def companies(client, **params):
    response = client.get(URL, {"kind": "company", **params})
    assert response.status_code == 200
    return [c.name for c in response.context["result"].hits]


@pytest.fixture
def firms(db):
    CompanyFactory(name="Fjordlys AS", phone="+4722334455", email="Post@Fjordlys.no")
    CompanyFactory(name="Berg Bygg AS", phone="+4799887766", email="kontor@bergbygg.no")
    # Its name holds the other firm's digits and domain: the types must not match names.
    CompanyFactory(name="22334455 Fjordlys.no Holding AS", phone="", email="")


@pytest.mark.parametrize("typed", ["22 33 44 55", "+47 22334455", "4722334455", "3344"])
def test_company_is_found_by_its_phone_however_typed(staff_client, firms, typed):
    assert companies(staff_client, q=typed, type="phone") == ["Fjordlys AS"]


def test_letters_in_a_phone_search_find_no_company(staff_client, firms):
    assert companies(staff_client, q="fjordlys", type="phone") == []


@pytest.mark.parametrize("typed", ["post@fjord", "FJORDLYS.NO", "  lys.no  "])
def test_company_is_found_by_part_of_its_email(staff_client, firms, typed):
    assert companies(staff_client, q=typed, type="email") == ["Fjordlys AS"]


def test_email_search_starts_with(staff_client, firms):
    assert companies(staff_client, q="kontor@", type="email", match="starts") == ["Berg Bygg AS"]
    assert companies(staff_client, q="bergbygg", type="email", match="starts") == []


def test_email_search_treats_percent_and_underscore_literally(staff_client, firms):
    assert companies(staff_client, q="%@%", type="email") == []
    assert companies(staff_client, q="___", type="email") == []


@pytest.mark.parametrize(("type", "typed"), [("phone", "2 2"), ("email", "po")])
def test_a_term_under_three_characters_gets_a_message(staff_client, firms, type, typed):
    response = staff_client.get(URL, {"kind": "company", "type": type, "q": typed})
    assert response.status_code == 200
    assert not response.context["result"].hits
    assert "minst 3 tegn" in response.content.decode()


def test_hit_list_shows_the_phone_and_email_found(staff_client, firms):
    html = staff_client.get(URL, {"kind": "company", "type": "phone", "q": "22334455"})
    html = html.content.decode()
    assert "+47 22 33 44 55" in html and "Post@Fjordlys.no" in html


def test_anonymous_goes_to_login(client, firms):
    response = client.get(URL, {"kind": "company", "type": "phone", "q": "22334455"})
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_no_crm_access_is_403(client, no_access_user, firms):
    client.force_login(no_access_user)
    response = client.get(URL, {"kind": "company", "type": "email", "q": "fjordlys"})
    assert response.status_code == 403


@pytest.mark.parametrize(("type", "typed"), [("phone", "22 33"), ("email", "firma")])
def test_query_count_is_bounded(staff_client, type, typed, django_assert_max_num_queries):
    for i in range(60):
        CompanyFactory(name=f"Firma {i}", phone=f"+47223300{i:02d}", email=f"post{i}@firma.no")
    with django_assert_max_num_queries(6):
        response = staff_client.get(URL, {"kind": "company", "type": type, "q": typed})
    result = response.context["result"]
    assert len(result.hits) == 50 and result.count == 60
    with django_assert_max_num_queries(5):
        staff_client.get(
            URL, {"kind": "company", "type": type, "q": typed}, headers={"HX-Request": "true"}
        )


@pytest.mark.parametrize(
    ("type", "typed", "index"),
    [
        ("phone", "22 33 44", "company_phone_trgm"),
        ("email", "fjordlys", "company_email_trgm"),
    ],
)
def test_the_search_can_be_answered_from_its_trigram_index(firms, type, typed, index):
    # The tables are tiny, so PostgreSQL would rightly scan them: with sequential scans
    # priced out, the plan shows whether the index serves the expression the search emits.
    params = QueryDict(mutable=True)
    params.update({"kind": "company", "type": type, "q": typed})
    result, plans = plans_of(lambda: search(params=params, user=None))
    assert [c.name for c in result.hits] == ["Fjordlys AS"]
    assert index in plans.indexes, plans
