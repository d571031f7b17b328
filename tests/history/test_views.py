import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from history.models import Entry
from history.services import history_record
from history.verbs import register_verb
from tests.contacts.factories import ContactFactory
from tests.crm.factories import UserFactory

pytestmark = pytest.mark.django_db


def tab_url(contact, **params):
    from urllib.parse import urlencode

    url = reverse("contacts:tab", args=[contact.pk, "history"])
    return f"{url}?{urlencode(params)}" if params else url


def at(day: str, hour: int = 12):
    return timezone.make_aware(dt.datetime.fromisoformat(day).replace(hour=hour))


def test_anonymous_goes_to_login(client):
    contact = ContactFactory()
    response = client.get(tab_url(contact))
    assert response.status_code == 302
    assert "/login/" in response.url


def test_no_crm_access_is_403(client, no_access_user):
    client.force_login(no_access_user)
    assert client.get(tab_url(ContactFactory())).status_code == 403


def test_tab_shows_sentence_with_actor(staff_client, staff):
    staff.first_name, staff.last_name = "Kari", "Nordmann"
    staff.save()
    contact = ContactFactory(mobile="+4741000000")
    history_record(
        contact=contact,
        verb="contacts.changed",
        actor=staff,
        data={"changes": {"mobile": ["+4741000000", "+4792000000"]}},
    )
    response = staff_client.get(tab_url(contact), headers={"HX-Request": "true"})
    assert "Kari Nordmann endret mobil fra +47 41 00 00 00 til +47 92 00 00 00" in (response.text)


def test_unknown_verb_renders_gracefully(staff_client):
    contact = ContactFactory()
    history_record(contact=contact, verb="later.thing", actor_label="import_mail")
    response = staff_client.get(tab_url(contact))
    assert response.status_code == 200
    assert "import_mail: later.thing" in response.text


def test_registered_verb_with_missing_data_key_renders():
    register_verb("tests.missing", "%(actor)s did %(what)s")
    entry = history_record(contact=ContactFactory(), verb="tests.missing", actor_label="x")
    from history.verbs import render

    assert render(entry) == "x did …"


def _dated(contact):
    for day in ("2026-03-01", "2026-03-02", "2026-03-03"):
        history_record(
            contact=contact, verb="tests.dated", actor_label=f"on-{day}", occurred_at=at(day)
        )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"date_from": "2026-03-02", "date_to": "2026-03-02"}, ["on-2026-03-02"]),
        ({"date_from": "2026-03-02"}, ["on-2026-03-03", "on-2026-03-02"]),
        ({"date_to": "2026-03-02"}, ["on-2026-03-02", "on-2026-03-01"]),
        ({"date_from": "02.03.2026", "date_to": "03.03.2026"}, ["on-2026-03-03", "on-2026-03-02"]),
        ({}, ["on-2026-03-03", "on-2026-03-02", "on-2026-03-01"]),
    ],
)
def test_date_range_edges(staff_client, params, expected):
    contact = ContactFactory()
    Entry.objects.filter(contact=contact).delete()
    _dated(contact)
    text = staff_client.get(tab_url(contact, **params)).text
    shown = [
        label for label in ("on-2026-03-03", "on-2026-03-02", "on-2026-03-01") if label in text
    ]
    assert shown == expected


def test_entry_just_before_midnight_counts_for_its_local_day(staff_client):
    contact = ContactFactory()
    history_record(
        contact=contact,
        verb="tests.late",
        actor_label="late-one",
        occurred_at=at("2026-03-02", 23).replace(minute=59),
    )
    assert "late-one" in staff_client.get(tab_url(contact, date_to="2026-03-02")).text
    assert "late-one" not in staff_client.get(tab_url(contact, date_from="2026-03-03")).text


def test_from_after_to_is_a_clear_message(staff_client):
    contact = ContactFactory()
    response = staff_client.get(tab_url(contact, date_from="2026-03-05", date_to="2026-03-01"))
    assert response.status_code == 200
    assert "Fra-datoen (05.03.2026) er etter til-datoen (01.03.2026)." in response.text


def test_garbage_date_is_a_form_message_not_a_500(staff_client):
    response = staff_client.get(tab_url(ContactFactory(), date_from="yesterday"))
    assert response.status_code == 200
    assert 'data-testid="history-error"' in response.text


def test_date_filter_survives_paging(staff_client):
    contact = ContactFactory()
    for i in range(60):
        history_record(
            contact=contact,
            verb="tests.many",
            occurred_at=at("2026-03-02") + dt.timedelta(minutes=i),
        )
    text = staff_client.get(tab_url(contact, date_from="2026-03-02", date_to="2026-03-02")).text
    assert "date_from=2026-03-02&amp;date_to=2026-03-02&amp;page=2" in text
    page2 = staff_client.get(
        tab_url(contact, date_from="2026-03-02", date_to="2026-03-02", page=2)
    )
    assert page2.text.count('data-testid="history-entry"') == 10


def test_query_count_is_bounded(staff_client, django_assert_max_num_queries):
    contact = ContactFactory()
    users = UserFactory.create_batch(5)
    for i in range(80):
        history_record(contact=contact, verb="contacts.created", actor=users[i % 5])
    staff_client.get(tab_url(contact))  # warm the session and permission caches
    with django_assert_max_num_queries(12):
        response = staff_client.get(tab_url(contact), headers={"HX-Request": "true"})
    assert response.text.count('data-testid="history-entry"') == 50
