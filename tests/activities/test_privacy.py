"""The notes privacy matrix: author / other staff / administrator / no CRM access
× card / company page / project page / history / search / Django admin and its
CSV export / by URL."""

import pytest
from django.urls import reverse

from activities import services
from tests.activities.factories import ProjectFactory
from tests.companies.factories import CompanyLinkFactory

pytestmark = pytest.mark.django_db

SECRET = "Hemmelig-notat-4711"
OPEN = "Apent-notat-0815"


@pytest.fixture
def notes(staff):
    link = CompanyLinkFactory()
    contact, company = link.contact, link.company
    project = ProjectFactory()
    project.participants.add(contact)
    made = {}
    for where, kwargs in {
        "card": {"contact": contact},
        "company": {"company": company, "contact_persons": [contact]},
        "project": {"project": project},
    }.items():
        made[where] = services.note_create(
            author=staff, text=f"{SECRET} {where}", private=True, **kwargs
        )
        services.note_create(author=staff, text=f"{OPEN} {where}", **kwargs)
    return {"contact": contact, "company": company, "project": project, "private": made}


def _pages(notes):
    contact, company, project = notes["contact"], notes["company"], notes["project"]
    return {
        "card": reverse("contacts:tab", args=[contact.pk, "notes"]),
        "company": reverse("companies:tab", args=[company.pk, "notes"]),
        "project": reverse("activities:project_tab", args=[project.pk, "notes"]),
        "history": reverse("contacts:tab", args=[contact.pk, "history"]),
    }


def test_author_sees_own_private_notes_everywhere(client, staff, notes):
    client.force_login(staff)
    pages = _pages(notes)
    for where in ("card", "company", "project"):
        text = client.get(pages[where]).text
        assert f"{SECRET} {where}" in text, where
        assert f"{OPEN} {where}" in text, where
    # The card shows all three kinds.
    card = client.get(pages["card"]).text
    assert all(f"{SECRET} {w}" in card for w in ("card", "company", "project"))
    assert SECRET in client.get(pages["history"]).text


@pytest.mark.parametrize("who", ["other_staff", "firm_admin"])
def test_others_never_see_a_private_note(client, notes, who, request):
    client.force_login(request.getfixturevalue(who))
    for where, url in _pages(notes).items():
        response = client.get(url)
        assert response.status_code == 200, where
        assert SECRET not in response.text, where
    assert OPEN in client.get(_pages(notes)["card"]).text


@pytest.mark.parametrize("who", ["other_staff", "firm_admin"])
def test_someone_elses_private_note_by_url_is_404(client, notes, who, request):
    client.force_login(request.getfixturevalue(who))
    note = notes["private"]["card"]
    assert client.get(reverse("activities:note_update", args=[note.pk])).status_code == 404
    assert client.post(reverse("activities:note_delete", args=[note.pk])).status_code == 404


def test_others_cannot_edit_a_public_note(client, other_staff, staff):
    link = CompanyLinkFactory()
    note = services.note_create(author=staff, text="Offentlig", contact=link.contact)
    client.force_login(other_staff)
    assert client.get(reverse("activities:note_update", args=[note.pk])).status_code == 403


def _search(client, term, kind="contact"):
    """The names in the search panel's hit list for a «Notat» search (the page itself
    repeats the term in the panel, so its text says nothing)."""
    response = client.get(reverse("search:results"), {"q": term, "type": "note", "kind": kind})
    assert response.status_code == 200
    return [str(hit) for hit in response.context["result"].hits]


def test_author_finds_own_private_notes_in_search(client, staff, notes):
    client.force_login(staff)
    contact, company = str(notes["contact"]), str(notes["company"])
    for where in ("card", "company", "project"):
        assert _search(client, f"{SECRET} {where}") == [contact], where
    assert _search(client, f"{SECRET} company", kind="company") == [company]


@pytest.mark.parametrize("who", ["other_staff", "firm_admin"])
def test_others_never_find_a_private_note_in_search(client, notes, who, request):
    client.force_login(request.getfixturevalue(who))
    for where in ("card", "company", "project"):
        assert _search(client, f"{SECRET} {where}") == [], where
    assert _search(client, SECRET) == []
    assert _search(client, SECRET, kind="company") == []
    assert _search(client, OPEN) == [str(notes["contact"])]
    assert _search(client, OPEN, kind="company") == [str(notes["company"])]


def test_no_crm_access_sees_nothing(client, no_access_user, notes):
    client.force_login(no_access_user)
    for url in _pages(notes).values():
        assert client.get(url).status_code == 403
    search = client.get(reverse("search:results"), {"q": SECRET, "type": "note"})
    assert search.status_code == 403


def test_admin_list_hides_others_private_notes(client, firm_admin, notes):
    client.force_login(firm_admin)
    response = client.get(reverse("admin:activities_note_changelist"))
    assert response.status_code == 200
    assert SECRET not in response.text
    assert OPEN in response.text
    note = notes["private"]["card"]
    assert client.get(reverse("admin:activities_note_change", args=[note.pk])).status_code in (
        302,
        404,
    )


def test_admin_author_sees_own_private_note_in_admin(client, firm_admin):
    link = CompanyLinkFactory()
    services.note_create(author=firm_admin, text=SECRET, private=True, contact=link.contact)
    client.force_login(firm_admin)
    assert SECRET in client.get(reverse("admin:activities_note_changelist")).text


def _export(client, pks):
    from django.contrib.admin import helpers

    return client.post(
        reverse("admin:activities_note_changelist"),
        {"action": "export_csv", helpers.ACTION_CHECKBOX_NAME: [str(pk) for pk in pks]},
    )


def test_admin_export_leaves_out_others_private_notes_even_when_selected(
    client, firm_admin, notes
):
    from activities.models import Note

    client.force_login(firm_admin)
    # A forged selection naming every note, the private ones included.
    response = _export(client, Note.objects.values_list("pk", flat=True))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="notes-')
    text = response.content.decode("utf-8-sig")
    assert SECRET not in text
    assert all(f"{OPEN} {where}" in text for where in ("card", "company", "project"))


def test_admin_export_gives_the_author_their_own_private_note(client, firm_admin):
    from activities.models import Note

    link = CompanyLinkFactory(contact__last_name="Ærlig")
    services.note_create(
        author=firm_admin, text=f"=1+1 {SECRET}", private=True, contact=link.contact
    )
    client.force_login(firm_admin)
    text = _export(client, Note.objects.values_list("pk", flat=True)).content.decode("utf-8-sig")
    row = text.splitlines()[1].split(";")
    assert row[2] == "Ja" and row[3].endswith("Ærlig")
    # A text that looks like a formula is kept as text in a spreadsheet.
    assert row[-1] == f"'=1+1 {SECRET}"


def test_the_author_is_asked_about_their_private_note_by_its_text(client, staff):
    """Generic pages name a private note neutrally (Note.__str__); the author's own
    delete page still shows which note it is."""
    link = CompanyLinkFactory()
    note = services.note_create(author=staff, text=SECRET, private=True, contact=link.contact)
    assert SECRET not in str(note)
    client.force_login(staff)
    assert SECRET in client.get(reverse("activities:note_delete", args=[note.pk])).text
