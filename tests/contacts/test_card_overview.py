"""The card's header, tab counts, «Aktivitet» time line and the recently viewed list (#19)."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from contacts.models import RecentlyViewed
from contacts.recently_viewed import KEEP, recently_viewed, record_view
from tests.activities.factories import (
    AppointmentFactory,
    NoteFactory,
    ProjectFactory,
    TaskFactory,
)
from tests.companies.factories import CompanyFactory, CompanyLinkFactory
from tests.contacts.factories import ContactFactory
from tests.crm.factories import UserFactory
from tests.mailbox.factories import MessageContactFactory, MessageFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def tab_count(html: str, slug: str) -> str | None:
    found = re.search(rf'id="tab-count-{slug}"[^>]*>(\d+)<', html)
    return found.group(1) if found else None


def test_card_header_shows_company_position_owner_and_initials(staff_client, staff):
    contact = ContactFactory(first_name="Kari", last_name="Nordmann", owner=staff)
    CompanyLinkFactory(
        contact=contact, company=CompanyFactory(name="Fjord AS"), position="Daglig leder"
    )
    html = staff_client.get(contact.get_absolute_url()).content.decode()
    assert 'data-testid="current-company"' in html
    assert "Daglig leder" in html and "Fjord AS" in html
    assert ">KN</span>" in html
    assert "Ny notat" in html and "Ny oppgave" in html and "Ny avtale" in html


def test_tab_labels_carry_counts_of_what_the_viewer_may_see(staff_client, staff, other_staff):
    contact = ContactFactory()
    NoteFactory.create_batch(3, contact=contact, author=staff)
    NoteFactory(contact=contact, author=other_staff, private=True)
    open_task = TaskFactory()
    open_task.contacts.add(contact)
    done = TaskFactory(status="done")
    done.contacts.add(contact)
    AppointmentFactory().contacts.add(contact)
    CompanyLinkFactory.create_batch(2, contact=contact)
    OrderFactory.create_batch(2, contact=contact)
    MessageContactFactory.create_batch(4, contact=contact)
    # Another person's rows are not this card's (the counts are correlated with the row).
    neighbour = ContactFactory()
    TaskFactory().contacts.add(neighbour)
    AppointmentFactory().contacts.add(neighbour)
    CompanyLinkFactory(contact=neighbour)
    OrderFactory(contact=neighbour)
    html = staff_client.get(contact.get_absolute_url()).content.decode()
    assert tab_count(html, "notes") == "3"
    assert tab_count(html, "tasks") == "1"
    assert tab_count(html, "appointments") == "1"
    assert tab_count(html, "companies") == "2"
    assert tab_count(html, "orders") == "2"
    assert tab_count(html, "email") == "4"


def test_notes_count_follows_every_route_and_each_viewer(client, staff, other_staff):
    """The notes count is built once per viewer and correlated with the card's row: each
    route (on the card, as a company's contact person, as a project participant) counts
    this contact's notes only, and a private note only for its author."""
    contact, neighbour = ContactFactory(), ContactFactory()
    NoteFactory(contact=contact, author=staff)
    NoteFactory(contact=contact, author=other_staff, private=True)
    on_company = NoteFactory(contact=None, company=CompanyFactory(), author=staff)
    on_company.contact_persons.add(contact)
    project = ProjectFactory()
    project.participants.add(contact)
    NoteFactory(contact=None, project=project, author=staff)
    # The neighbour's notes on each route.
    NoteFactory(contact=neighbour, author=staff)
    theirs = NoteFactory(contact=None, company=CompanyFactory(), author=staff)
    theirs.contact_persons.add(neighbour)
    their_project = ProjectFactory()
    their_project.participants.add(neighbour)
    NoteFactory(contact=None, project=their_project, author=staff)
    for viewer, expected in ((staff, "3"), (other_staff, "4"), (staff, "3")):
        client.force_login(viewer)
        assert tab_count(client.get(contact.get_absolute_url()).content.decode(), "notes") == (
            expected
        )
    client.force_login(staff)
    assert tab_count(client.get(neighbour.get_absolute_url()).content.decode(), "notes") == "3"


def test_email_count_leaves_out_locked_mail_for_all_but_administrators(client, staff, firm_admin):
    contact = ContactFactory()
    MessageContactFactory.create_batch(2, contact=contact)
    # Also linked to a contact whose e-mail is locked: hidden from staff on every card.
    shared = MessageContactFactory(contact=contact).message
    MessageContactFactory(message=shared, contact=ContactFactory(email_locked=True))
    locked = ContactFactory(email_locked=True)
    MessageContactFactory.create_batch(2, contact=locked)
    client.force_login(staff)
    assert tab_count(client.get(contact.get_absolute_url()).content.decode(), "email") == "2"
    assert tab_count(client.get(locked.get_absolute_url()).content.decode(), "email") == "0"
    client.force_login(firm_admin)
    assert tab_count(client.get(contact.get_absolute_url()).content.decode(), "email") == "3"
    assert tab_count(client.get(locked.get_absolute_url()).content.decode(), "email") == "2"


def test_a_tab_answered_alone_redraws_no_counts(staff_client, staff):
    contact = ContactFactory()
    NoteFactory(contact=contact, author=staff)
    url = reverse("contacts:tab", args=[contact.pk, "notes"])
    staff_client.get(url, headers={"HX-Request": "true"})
    response = staff_client.get(url, headers={"HX-Request": "true"})
    assert 'data-testid="tab-count"' not in response.content.decode()


@pytest.mark.parametrize("rows", [1, 40])
def test_card_with_tab_counts_runs_a_fixed_number_of_queries(
    staff_client, staff, django_assert_num_queries, rows
):
    contact = ContactFactory(owner=staff)
    CompanyLinkFactory.create_batch(rows, contact=contact)
    NoteFactory.create_batch(rows, contact=contact, author=staff)
    for task in TaskFactory.create_batch(rows):
        task.contacts.add(contact)
    for appointment in AppointmentFactory.create_batch(rows):
        appointment.contacts.add(contact)
    MessageContactFactory.create_batch(rows, contact=contact)
    OrderFactory.create_batch(rows, contact=contact)
    staff_client.get(contact.get_absolute_url())  # content types cached, session warm
    # The session, the user with their permissions, the contact with its header company,
    # e-mail addresses, categories and every tab's count, and the open tab's rows; the card
    # is already on top of the recently viewed list, so nothing is written.
    with django_assert_num_queries(4):
        response = staff_client.get(contact.get_absolute_url())
    assert response.status_code == 200
    assert tab_count(response.content.decode(), "notes") == str(rows)


def activity(client, contact, **params):
    url = reverse("contacts:tab", args=[contact.pk, "activity"])
    return client.get(url, params, headers={"HX-Request": "true"})


def test_activity_tab_merges_every_kind_newest_first(staff_client, staff):
    contact = ContactFactory()
    now = timezone.now()
    note = NoteFactory(contact=contact, author=staff, text="Ringte om tilbudet")
    # created_at is set on save; move it back so the order is known.
    type(note).objects.filter(pk=note.pk).update(created_at=now - dt.timedelta(days=3))
    AppointmentFactory(
        title="Befaring", start_at=now - dt.timedelta(days=1), end_at=now - dt.timedelta(hours=23)
    ).contacts.add(contact)
    TaskFactory(title="Send kontrakt").contacts.add(contact)
    MessageContactFactory(
        contact=contact,
        message=MessageFactory(subject="Spørsmål om levering", sent_at=now - dt.timedelta(days=2)),
    )
    OrderFactory(
        contact=contact, reference="Vinterdekk", date=timezone.localdate() - dt.timedelta(days=10)
    )
    html = activity(staff_client, contact).content.decode()
    order = [
        html.index(t)
        for t in (
            "Send kontrakt",
            "Befaring",
            "Spørsmål om levering",
            "Ringte om tilbudet",
            "Vinterdekk",
        )
    ]
    assert order == sorted(order)


def test_activity_tab_never_shows_others_private_notes(staff_client, other_staff):
    contact = ContactFactory()
    NoteFactory(contact=contact, author=other_staff, private=True, text="Hemmelig notat")
    NoteFactory(contact=contact, author=other_staff, text="Åpent notat")
    html = activity(staff_client, contact).content.decode()
    assert "Åpent notat" in html and "Hemmelig notat" not in html


def test_locked_mail_shows_in_activity_only_to_administrators(client, staff, firm_admin):
    contact = ContactFactory(email_locked=True)
    MessageContactFactory(contact=contact, message=MessageFactory(subject="Lønnsforhandling"))
    client.force_login(staff)
    assert "Lønnsforhandling" not in activity(client, contact).content.decode()
    client.force_login(firm_admin)
    assert "Lønnsforhandling" in activity(client, contact).content.decode()


def test_activity_tab_pages_older_entries(staff_client, staff):
    contact = ContactFactory()
    NoteFactory.create_batch(25, contact=contact, author=staff)
    first = activity(staff_client, contact).content.decode()
    assert first.count("timeline-entry ") == 20 and "Eldre" in first
    second = activity(staff_client, contact, page="2").content.decode()
    assert second.count("timeline-entry ") == 5 and "Nyere" in second


def test_activity_tab_with_hostile_page_numbers_answers(staff_client):
    contact = ContactFactory()
    for page in ["-1", "abc", "99999999999999999999", "\x00"]:
        assert activity(staff_client, contact, page=page).status_code == 200


@pytest.mark.parametrize("rows", [2, 60])
def test_activity_tab_runs_one_query_per_kind(
    staff_client, staff, django_assert_max_num_queries, rows
):
    contact = ContactFactory()
    NoteFactory.create_batch(rows, contact=contact, author=staff)
    for task in TaskFactory.create_batch(rows):
        task.contacts.add(contact)
    for _ in range(rows):
        MessageContactFactory(contact=contact)
        OrderFactory(contact=contact)
    activity(staff_client, contact)
    with django_assert_max_num_queries(10):
        assert activity(staff_client, contact).status_code == 200


def test_activity_tab_access(client, no_access_user):
    contact = ContactFactory()
    url = reverse("contacts:tab", args=[contact.pk, "activity"])
    assert reverse("login") in client.get(url).url
    client.force_login(no_access_user)
    assert client.get(url).status_code == 403


# --- recently viewed ------------------------------------------------------------------


def test_opening_a_card_or_company_puts_it_first_on_my_start_page(staff_client, staff):
    older, newer = ContactFactory(last_name="Eldre"), ContactFactory(last_name="Nyere")
    company = CompanyFactory(name="Sist Sett AS")
    for page in (older.get_absolute_url(), newer.get_absolute_url(), company.get_absolute_url()):
        staff_client.get(page)
    assert recently_viewed(user=staff, model=type(older)) == [newer, older]
    home = staff_client.get(reverse("home")).content.decode()
    viewed = home[home.index('data-testid="home-viewed"') : home.index('data-testid="home-added"')]
    assert viewed.index("Nyere") < viewed.index("Eldre") and "Sist Sett AS" in viewed


def test_recently_viewed_is_private_to_each_user(client, staff, other_staff):
    seen = ContactFactory(last_name="Bare-Min")
    client.force_login(staff)
    client.get(seen.get_absolute_url())
    client.force_login(other_staff)
    home = client.get(reverse("home")).content.decode()
    viewed = home[home.index('data-testid="home-viewed"') : home.index('data-testid="home-added"')]
    assert "Bare-Min" not in viewed
    assert recently_viewed(user=other_staff, model=type(seen)) == []


def test_recently_viewed_keeps_the_newest_and_forgets_the_rest(staff):
    contacts = ContactFactory.create_batch(KEEP + 5)
    for contact in contacts:
        record_view(user=staff, obj=contact)
    record_view(user=staff, obj=contacts[0])  # seen again: back on top, not twice
    assert RecentlyViewed.objects.filter(user=staff).count() == KEEP
    kept = recently_viewed(user=staff, model=type(contacts[0]), limit=KEEP)
    assert kept[0] == contacts[0] and kept[1] == contacts[-1]
    assert contacts[1] not in kept


def test_reopening_the_top_card_writes_nothing_but_a_return_moves_it_up(
    staff_client, staff, django_assert_num_queries
):
    first, second = ContactFactory(last_name="Først"), ContactFactory(last_name="Andre")
    staff_client.get(first.get_absolute_url())
    before = RecentlyViewed.objects.get(user=staff, object_id=first.pk).viewed_at
    with django_assert_num_queries(4):  # no write: the card is already on top
        staff_client.get(first.get_absolute_url())
    assert RecentlyViewed.objects.get(user=staff, object_id=first.pk).viewed_at == before
    staff_client.get(second.get_absolute_url())
    staff_client.get(first.get_absolute_url())
    assert recently_viewed(user=staff, model=type(first)) == [first, second]


def test_a_deleted_contact_drops_out_of_recently_viewed(staff):
    contact = ContactFactory()
    record_view(user=staff, obj=contact)
    contact.delete()
    assert recently_viewed(user=staff, model=type(contact)) == []


def test_anonymous_views_are_not_recorded():
    record_view(user=AnonymousUser(), obj=ContactFactory())
    assert not RecentlyViewed.objects.exists()


# --- the start page -------------------------------------------------------------------


def section(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</section>", start)]


def test_start_page_lists_my_tasks_due_today_and_overdue(staff_client, staff, other_staff):
    today = timezone.localdate()
    TaskFactory(title="Forfalt", assignee=staff, due_date=today - dt.timedelta(days=2))
    TaskFactory(title="Idag", assignee=staff, due_date=today)
    TaskFactory(title="Neste uke", assignee=staff, due_date=today + dt.timedelta(days=7))
    TaskFactory(title="Ferdig", assignee=staff, due_date=today, status="done")
    TaskFactory(title="Kollegas", assignee=other_staff, due_date=today)
    tasks = section(staff_client.get(reverse("home")).content.decode(), "home-tasks")
    assert "Forfalt" in tasks and "Idag" in tasks
    assert tasks.index("Forfalt") < tasks.index("Idag")
    assert "Neste uke" not in tasks and "Ferdig" not in tasks and "Kollegas" not in tasks


def test_start_page_lists_my_appointments_today_and_tomorrow(staff_client, staff, other_staff):
    today = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    AppointmentFactory(
        title="Morgenmøte", owner=staff, start_at=today, end_at=today + dt.timedelta(hours=1)
    )
    later = today + dt.timedelta(days=1)
    joined = AppointmentFactory(
        title="Lunsj", owner=other_staff, start_at=later, end_at=later + dt.timedelta(hours=1)
    )
    joined.participants.add(staff)
    far = today + dt.timedelta(days=5)
    AppointmentFactory(
        title="Om lenge", owner=staff, start_at=far, end_at=far + dt.timedelta(hours=1)
    )
    AppointmentFactory(
        title="Kollegas møte",
        owner=other_staff,
        start_at=today,
        end_at=today + dt.timedelta(hours=1),
    )
    appointments = section(staff_client.get(reverse("home")).content.decode(), "home-appointments")
    assert "Morgenmøte" in appointments and "Lunsj" in appointments
    assert "I morgen" in appointments
    assert "Om lenge" not in appointments and "Kollegas møte" not in appointments


def test_empty_start_page_says_what_to_do(staff_client):
    html = staff_client.get(reverse("home")).content.decode()
    assert "Ingenting forfaller" in html
    assert "Ingen avtaler i dag eller i morgen" in html
    assert "Kortene og firmaene du åpner" in html


@pytest.mark.parametrize("rows", [1, 30])
def test_start_page_runs_a_fixed_number_of_queries(
    staff_client, staff, django_assert_max_num_queries, rows
):
    today = timezone.localdate()
    for _ in range(rows):
        contact = ContactFactory()
        record_view(user=staff, obj=contact)
        record_view(user=staff, obj=CompanyFactory())
        TaskFactory(assignee=staff, due_date=today).contacts.add(contact)
        AppointmentFactory(owner=staff)
    staff_client.get(reverse("home"))
    with django_assert_max_num_queries(12):
        assert staff_client.get(reverse("home")).status_code == 200


def test_start_page_access(client, no_access_user):
    assert reverse("login") in client.get(reverse("home")).url
    client.force_login(no_access_user)
    assert client.get(reverse("home")).status_code == 403


def test_other_users_views_do_not_count(staff):
    other = UserFactory(crm_access=True)
    contact = ContactFactory()
    record_view(user=other, obj=contact)
    assert recently_viewed(user=staff, model=type(contact)) == []
