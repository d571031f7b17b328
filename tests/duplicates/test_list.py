"""The administrators' duplicate list (issue 18, item 3) and who may merge."""

import pytest
from django.urls import reverse

from contacts.models import Contact
from duplicates.models import DismissedPair, Merge
from duplicates.pairs import pairs_find
from tests.companies.factories import CompanyFactory
from tests.contacts.factories import ContactEmailFactory, ContactFactory

pytestmark = pytest.mark.django_db

LIST = reverse("duplicates:list")


@pytest.fixture
def admin_client(client, firm_admin):
    client.force_login(firm_admin)
    return client


@pytest.fixture
def pairs(db):
    """A strong pair (same e-mail and phone), a weak one (similar name only), and a
    contact like neither."""
    a = ContactFactory(first_name="Ola", last_name="Nordmann", mobile="+4741234567")
    b = ContactFactory(first_name="O.", last_name="Nordmann", mobile="+4741234567")
    ContactEmailFactory(contact=a, email="ola@example.no")
    ContactEmailFactory(contact=b, email="Ola@Example.no")
    c = ContactFactory(first_name="Kari", last_name="Hansen", postcode="7010")
    d = ContactFactory(first_name="Kari", last_name="Hanssen", postcode="7010")
    ContactFactory(first_name="Per", last_name="Utenpar", postcode="9990")
    pairs_find(kind="contact")
    return (a, b), (c, d)


def _rows(html: str) -> int:
    return html.count('data-testid="duplicate-pair"')


def test_pairs_best_first(admin_client, pairs):
    (a, b), (c, d) = pairs
    html = admin_client.get(LIST).content.decode()
    assert _rows(html) == 2
    strong, weak = html.index(f"/contacts/{a.pk}/"), html.index(f"/contacts/{c.pk}/")
    assert strong < weak
    assert "samme e-post" in html and "samme telefon" in html
    assert "Utenpar" not in html


def test_a_merged_pair_leaves_the_list(admin_client, pairs, firm_admin):
    from duplicates.services import records_merge

    (a, b), _weak = pairs
    records_merge(survivor=a, loser=b, take_from_loser=[], actor=firm_admin)
    html = admin_client.get(LIST).content.decode()
    assert _rows(html) == 1
    assert f"/contacts/{a.pk}/" not in html


def test_staff_cannot_find_duplicates(staff_client):
    assert staff_client.post(reverse("duplicates:find")).status_code == 403


def test_dismissed_pair_does_not_come_back(admin_client, pairs):
    (a, b), _weak = pairs
    response = admin_client.post(
        reverse("duplicates:dismiss"), {"kind": "contact", "first": b.pk, "second": a.pk}
    )
    assert response.status_code == 302
    assert DismissedPair.objects.filter(first_id=a.pk, second_id=b.pk).exists()
    pairs_find(kind="contact")  # found again: still dismissed
    html = admin_client.get(LIST).content.decode()
    assert _rows(html) == 1
    assert f"/contacts/{a.pk}/" not in html


def test_company_pairs(admin_client):
    CompanyFactory(name="Hansen Bygg AS", postcode="0150", phone="+4722334455")
    CompanyFactory(name="Hansen Bygg", postcode="0150", phone="+4722334455")
    response = admin_client.post(reverse("duplicates:find"), {"kind": "company"})
    assert response.status_code == 302
    html = admin_client.get(f"{LIST}?kind=company").content.decode()
    assert _rows(html) == 1
    assert "samme telefon" in html


def test_list_is_paged(admin_client):
    for n in range(30):
        ContactFactory(last_name=f"Dobbel{n}", mobile=f"+474000{n:04d}", postcode="")
        ContactFactory(last_name=f"Dobbel{n}x", mobile=f"+474000{n:04d}", postcode="")
    pairs_find(kind="contact")
    first = admin_client.get(LIST).content.decode()
    assert _rows(first) == 25
    assert "Side 1 av 2" in first
    second = admin_client.get(f"{LIST}?page=2").content.decode()
    assert _rows(second) == 5


def test_list_query_count_is_bounded(admin_client, pairs, django_assert_max_num_queries):
    for n in range(20):
        ContactFactory(last_name=f"Par{n}", mobile=f"+474100{n:04d}")
        ContactFactory(last_name=f"Par{n}", mobile=f"+474100{n:04d}")
    pairs_find(kind="contact")
    with django_assert_max_num_queries(8):
        assert admin_client.get(LIST).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        LIST,
        reverse("duplicates:merge", args=["contact", 1, 2]),
        reverse("duplicates:undo", args=[1]),
    ],
)
def test_staff_get_403_and_anonymous_the_login(client, staff, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(staff)
    assert client.get(url).status_code == 403


def test_staff_cannot_merge_or_dismiss(staff_client):
    a, b = ContactFactory(last_name="Lik"), ContactFactory(last_name="Lik")
    merge = reverse("duplicates:merge", args=["contact", a.pk, b.pk])
    assert staff_client.post(merge, {"survivor": "a"}).status_code == 403
    dismiss = reverse("duplicates:dismiss")
    assert staff_client.post(dismiss, {"first": a.pk, "second": b.pk}).status_code == 403
    assert Contact.objects.count() == 2 and not Merge.objects.exists()


def test_staff_see_no_undo_in_history(staff_client, firm_admin):
    from duplicates.services import records_merge

    a, b = ContactFactory(last_name="Lik"), ContactFactory(last_name="Lik")
    records_merge(survivor=a, loser=b, take_from_loser=[], actor=firm_admin)
    html = staff_client.get(reverse("contacts:tab", args=[a.pk, "history"])).content.decode()
    assert "slo sammen" in html
    assert "Angre sammenslåingen" not in html


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", f"{LIST}?kind=%00&page=-1", {}),
        ("get", f"{LIST}?page=99999999999999999999", {}),
        ("post", reverse("duplicates:dismiss"), {"kind": "x", "first": "a", "second": "1"}),
        ("post", reverse("duplicates:dismiss"), {"first": "5", "second": "5"}),
        ("get", reverse("duplicates:merge", args=["nothing", 1, 2]), {}),
        ("get", reverse("duplicates:merge", args=["contact", 99998, 99999]), {}),
        ("post", reverse("duplicates:merge", args=["contact", 7, 7]), {"survivor": "a"}),
        ("post", reverse("duplicates:undo", args=[424242]), {}),
    ],
)
def test_hostile_input_never_gives_a_server_error(admin_client, method, url, data):
    response = getattr(admin_client, method)(url, data)
    assert response.status_code < 500


def test_merge_without_a_survivor_is_refused(admin_client):
    a, b = ContactFactory(last_name="Lik"), ContactFactory(last_name="Lik")
    url = reverse("duplicates:merge", args=["contact", a.pk, b.pk])
    response = admin_client.post(url, {"survivor": "c", "field_city": "zzz"})
    assert response.status_code == 400
    assert Contact.objects.count() == 2


def test_nightly_command_finds_pairs_and_forgets_old_merges(firm_admin):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    from duplicates.models import CandidatePair
    from duplicates.services import records_merge

    old = records_merge(
        survivor=ContactFactory(last_name="Gammel"),
        loser=ContactFactory(last_name="Gammel"),
        take_from_loser=[],
        actor=firm_admin,
    )
    Merge.objects.filter(pk=old.pk).update(merged_at=timezone.now() - datetime.timedelta(days=31))
    recent = records_merge(
        survivor=ContactFactory(last_name="Ny"),
        loser=ContactFactory(last_name="Ny"),
        take_from_loser=[],
        actor=firm_admin,
    )
    ContactFactory(first_name="Kari", last_name="Hansen", postcode="7010", mobile="+4799999999")
    ContactFactory(first_name="Kari", last_name="Hanssen", postcode="7010")
    call_command("find_duplicates")
    assert list(Merge.objects.values_list("pk", flat=True)) == [recent.pk]
    assert CandidatePair.objects.filter(kind="contact").count() == 1
