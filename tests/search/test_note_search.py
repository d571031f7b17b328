"""The search panel's «Notat» search type: contacts (and companies) found by the text of
the notes the user may read — a private note by its author alone, administrators too."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from activities import services
from activities.models import Note
from contacts.models import Contact
from search.selectors import search
from tests.activities.factories import ProjectFactory
from tests.companies.factories import CompanyFactory, CompanyLinkFactory
from tests.contacts.factories import ContactEmailFactory, ContactFactory

pytestmark = pytest.mark.django_db

URL = reverse("search:results")
SECRET = "Hemmelig-avtale-4711"
OPEN = "Apen-avtale-0815"


def hits(client, q, **params):
    response = client.get(URL, {"q": q, "type": "note", **params})
    assert response.status_code == 200
    result = response.context["result"]
    if result.kind == "company":
        return [company.name for company in result.hits]
    return [contact.last_name for contact in result.hits]


def note(author, text, *, private=False, **home):
    return services.note_create(author=author, text=text, private=private, **home)


@pytest.fixture
def carded(staff):
    """A contact with a private and an open note on the card, both by ``staff``."""
    contact = ContactFactory(last_name="Kortnotat")
    note(staff, f"{SECRET} om prisen", private=True, contact=contact)
    note(staff, f"{OPEN} om leveransen", contact=contact)
    return contact


# --- privacy ---------------------------------------------------------------------------
# Under both plans: the noted contacts' ids (a rarer word) and the walk of the contacts in
# name order (a frequent word: search.probe.NOTE_WALK_FROM lowered to plan every word so).


@pytest.fixture(params=["note-ids", "note-walk"])
def note_plan(request, monkeypatch):
    if request.param == "note-walk":
        monkeypatch.setattr("search.probe.NOTE_WALK_FROM", 0)
    return request.param


both_plans = pytest.mark.usefixtures("note_plan")


@both_plans
def test_author_finds_the_contact_by_the_text_of_a_private_note(client, staff, carded):
    client.force_login(staff)
    assert hits(client, SECRET) == ["Kortnotat"]


@both_plans
@pytest.mark.parametrize("who", ["other_staff", "firm_admin"])
def test_private_note_is_not_found_by_others_not_even_an_administrator(
    client, carded, who, request
):
    client.force_login(request.getfixturevalue(who))
    assert hits(client, SECRET) == []
    assert hits(client, "hemmelig") == []


@both_plans
@pytest.mark.parametrize("who", ["staff", "other_staff", "firm_admin"])
def test_open_note_is_found_by_every_crm_user(client, carded, who, request):
    client.force_login(request.getfixturevalue(who))
    assert hits(client, OPEN) == ["Kortnotat"]


@both_plans
def test_someone_elses_private_note_does_not_count_beside_an_open_one(client, other_staff, carded):
    # The contact is found by its open note; the private one adds nothing.
    client.force_login(other_staff)
    assert hits(client, "avtale") == ["Kortnotat"]
    assert hits(client, "om prisen") == []


@both_plans
def test_private_company_notes_and_project_notes_are_author_only(
    client, staff, other_staff, firm_admin
):
    link = CompanyLinkFactory(contact=ContactFactory(last_name="Kontaktperson"))
    project = ProjectFactory()
    project.participants.add(ContactFactory(last_name="Deltaker"))
    note(
        staff,
        f"{SECRET} bedrift",
        private=True,
        company=link.company,
        contact_persons=[link.contact],
    )
    note(staff, f"{SECRET} prosjekt", private=True, project=project)
    client.force_login(staff)
    assert hits(client, SECRET) == ["Deltaker", "Kontaktperson"]
    assert hits(client, SECRET, kind="company") == [link.company.name]
    for user in (other_staff, firm_admin):
        client.force_login(user)
        assert hits(client, SECRET) == []
        assert hits(client, SECRET, kind="company") == []


def test_a_frequent_word_walks_the_contacts_and_proves_the_count_over_the_cap(
    staff, monkeypatch, settings
):
    monkeypatch.setattr("search.probe.NOTE_WALK_FROM", 0)
    settings.SEARCH_COUNT_CAP = 1
    first, second = ContactFactory(last_name="Førstemann"), ContactFactory(last_name="Annen")
    note(staff, "Oftemøte en", contact=first)
    note(staff, "Oftemøte to", contact=first)
    params = QueryDict("q=oftemøte&type=note")
    # Two notes on one contact prove nothing: the walk counts one.
    result = search(params=params, user=staff)
    assert (result.plan, result.count, result.over_cap) == ("note-walk", 1, False)
    note(staff, "Oftemøte tre", contact=second)
    result = search(params=params, user=staff)
    assert (result.plan, result.count, result.over_cap) == ("note-walk", 1, True)
    assert [hit.last_name for hit in result.hits] == ["Annen", "Førstemann"]


def test_no_crm_access_is_403(client, no_access_user, carded):
    client.force_login(no_access_user)
    assert client.get(URL, {"q": OPEN, "type": "note"}).status_code == 403


def test_anonymous_goes_to_login(client, carded):
    response = client.get(URL, {"q": OPEN, "type": "note"})
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_without_a_user_no_note_matches(carded):
    # The selector has no user to show notes to: nothing is visible.
    result = search(params=QueryDict(f"q={OPEN}&type=note"), user=None)
    assert result.hits == []


# --- which notes count for a contact -------------------------------------------------


def test_company_note_finds_its_chosen_contact_persons_only(staff_client, staff):
    company = CompanyFactory(name="Fjord AS")
    chosen = CompanyLinkFactory(company=company, contact=ContactFactory(last_name="Valgt"))
    CompanyLinkFactory(company=company, contact=ContactFactory(last_name="Ikkevalgt"))
    note(staff, "Ringte om rammeavtalen", company=company, contact_persons=[chosen.contact])
    assert hits(staff_client, "rammeavtalen") == ["Valgt"]


def test_company_note_without_contact_persons_finds_no_contact(staff_client, staff):
    link = CompanyLinkFactory(contact=ContactFactory(last_name="Ansatt"))
    note(staff, "Ringte om rammeavtalen", company=link.company)
    assert hits(staff_client, "rammeavtalen") == []
    assert hits(staff_client, "rammeavtalen", kind="company") == [link.company.name]


def test_project_note_finds_the_participants(staff_client, staff):
    project = ProjectFactory()
    project.participants.add(
        ContactFactory(last_name="Deltaker"), ContactFactory(last_name="Medhjelper")
    )
    ContactFactory(last_name="Utenfor")
    note(staff, "Fremdrift i anbudet", project=project)
    assert hits(staff_client, "anbudet") == ["Deltaker", "Medhjelper"]


def test_company_search_finds_companies_by_their_own_notes_only(staff_client, staff):
    link = CompanyLinkFactory(company=CompanyFactory(name="Fjord AS"))
    CompanyFactory(name="Berg AS")
    note(staff, "Ønsker tilbud på service", company=link.company)
    note(staff, "Ønsker tilbud på vask", contact=link.contact)  # on a person, not the company
    assert hits(staff_client, "tilbud", kind="company") == ["Fjord AS"]
    assert hits(staff_client, "vask", kind="company") == []


def test_contact_with_several_matching_notes_is_listed_once(staff_client, staff):
    link = CompanyLinkFactory(contact=ContactFactory(last_name="Mange"))
    project = ProjectFactory()
    project.participants.add(link.contact)
    note(staff, "Kvartalsmøte 1", contact=link.contact)
    note(staff, "Kvartalsmøte 2", contact=link.contact)
    note(staff, "Kvartalsmøte 3", company=link.company, contact_persons=[link.contact])
    note(staff, "Kvartalsmøte 4", project=project)
    response = staff_client.get(URL, {"q": "kvartalsmøte", "type": "note"})
    result = response.context["result"]
    assert [c.last_name for c in result.hits] == ["Mange"] and result.count == 1


def test_search_finds_exactly_the_contacts_whose_notes_tab_shows_a_match(staff, other_staff):
    # Search and the card's notes tab read one rule (NoteQuerySet.for_contact/contact_ids).
    people = [ContactFactory(last_name=f"Person{i}") for i in range(6)]
    company = CompanyFactory()
    for person in people[:4]:
        CompanyLinkFactory(company=company, contact=person)
    project = ProjectFactory()
    project.participants.add(people[3], people[4])
    note(staff, "treff på kortet", contact=people[0])
    note(staff, "treff i bedriften", company=company, contact_persons=people[1:3])
    note(other_staff, "treff privat hos en annen", private=True, contact=people[5])
    note(staff, "treff i prosjektet", project=project)
    note(staff, "bom", contact=people[5])
    visible = Note.objects.visible_to(staff).filter(text__icontains="treff")
    by_tab = {p.last_name for p in people if visible.for_contact(p).exists()}
    found = search(params=QueryDict("q=treff&type=note"), user=staff)
    assert {c.last_name for c in found.hits} == by_tab
    assert by_tab == {"Person0", "Person1", "Person2", "Person3", "Person4"}
    assert set(Contact.objects.filter(pk__in=visible.contact_ids())) == {
        p for p in people if p.last_name in by_tab
    }


# --- matching --------------------------------------------------------------------------


@pytest.fixture
def worded(staff):
    for last, text in [
        ("Aarsmote", "Årsmøte i mars"),
        ("Arsmote", "Arsmote uten norske bokstaver"),
        ("Prosent", "Rabatt 100%_ på alt"),
        ("Tilbud", "Tilbud sendt på e-post"),
        ("Sendt", "Sendt tilbud på e-post"),
    ]:
        note(staff, text, contact=ContactFactory(last_name=last))


@pytest.mark.parametrize("typed", ["årsmøte", "ÅRSMØTE", "  Årsmøte  ", "SMØ"])
def test_matching_ignores_case_and_surrounding_spaces(staff_client, worded, typed):
    assert hits(staff_client, typed) == ["Aarsmote"]


def test_norwegian_letters_are_not_folded(staff_client, worded):
    assert hits(staff_client, "arsmote") == ["Arsmote"]
    assert hits(staff_client, "møt") == ["Aarsmote"]


def test_percent_and_underscore_are_literal(staff_client, worded):
    assert hits(staff_client, "00%") == ["Prosent"]
    assert hits(staff_client, "%_ på") == ["Prosent"]
    assert hits(staff_client, "0%_") == ["Prosent"]


@pytest.mark.parametrize("typed", ["%", "_", "%_%", "'; --", "\\", "x" * 200, "%" * 200])
def test_hostile_terms_are_no_error(staff_client, worded, typed):
    response = staff_client.get(URL, {"q": typed, "type": "note"})
    assert response.status_code == 200
    response = staff_client.get(URL, {"q": typed, "type": "note", "kind": "company"})
    assert response.status_code == 200


def test_too_long_a_term_is_a_message_not_an_error(staff_client, worded):
    response = staff_client.get(URL, {"q": "x" * 201, "type": "note"})
    assert response.status_code == 200
    assert response.context["result"].hits == []


def test_starts_with_means_the_note_text_starts_with_the_term(staff_client, worded):
    assert hits(staff_client, "tilbud") == ["Sendt", "Tilbud"]
    assert hits(staff_client, "tilbud", match="starts") == ["Tilbud"]
    assert hits(staff_client, "til", match="starts") == ["Tilbud"]


def test_a_term_under_three_characters_gets_a_message(staff_client, staff, worded):
    short = search(params=QueryDict("q=ti&type=note"), user=staff)
    assert short.hits == [] and short.filterset.errors
    response = staff_client.get(URL, {"q": "ti", "type": "note"})
    assert response.status_code == 200
    assert "Skriv minst 3 tegn for å søke på notat." in response.text
    assert 'value="ti"' in response.text  # what was typed stays in the field


def test_contacts_are_planned_from_the_ids_their_notes_give(staff, worded):
    long = search(params=QueryDict("q=tilbud&type=note"), user=staff)
    assert long.plan == "note-ids"
    assert [c.last_name for c in long.hits] == ["Sendt", "Tilbud"] and long.count == 2


def test_too_many_noted_contacts_fall_back_to_the_trigram_plan(staff, worded, monkeypatch):
    monkeypatch.setattr("search.probe.NOTE_IDS_MAX", 1)
    long = search(params=QueryDict("q=tilbud&type=note"), user=staff)
    assert long.plan == "trigram"
    assert [c.last_name for c in long.hits] == ["Sendt", "Tilbud"] and long.count == 2


@pytest.mark.parametrize(
    ("ids_max", "walk_min"),
    [(1, 5000), (100_000, 5000), (100_000, 1)],
    ids=["trigram", "ids-by-key", "ids-walk"],
)
def test_every_plan_pages_and_counts_alike(staff, ids_max, walk_min, monkeypatch):
    monkeypatch.setattr("search.probe.NOTE_IDS_MAX", ids_max)
    monkeypatch.setattr("search.selectors.NOTE_WALK_MIN", walk_min)
    for i in range(55):
        note(staff, f"Julebord {i}", contact=ContactFactory(last_name=f"Navn{i:02d}"))
    project = ProjectFactory()
    project.participants.add(*Contact.objects.filter(last_name__in=["Navn00", "Navn54"]))
    note(staff, "Julebord i prosjektet", project=project)
    first = search(params=QueryDict("q=julebord&type=note"), user=staff)
    second = search(params=QueryDict("q=julebord&type=note"), user=staff, page=2)
    assert first.count == 55 and first.pages == 2 and len(first.hits) == 50
    assert [c.last_name for c in first.hits] == [f"Navn{i:02d}" for i in range(50)]
    assert [c.last_name for c in second.hits] == [f"Navn{i}" for i in range(50, 55)]
    mine = search(params=QueryDict("q=julebord&type=note&selection=private"), user=staff)
    assert mine.count == 0 and mine.hits == []


def test_narrowing_applies_to_note_hits(staff_client, staff, other_staff):
    note(staff, "Felles notat", contact=ContactFactory(last_name="Min", owner=staff))
    note(staff, "Felles notat", contact=ContactFactory(last_name="Din", owner=other_staff))
    assert hits(staff_client, "felles") == ["Din", "Min"]
    assert hits(staff_client, "felles", selection="mine") == ["Min"]


# --- the hit list: order, pages, count, queries ------------------------------------------


def test_hits_are_in_norwegian_order(staff_client, staff):
    for last in ["Østby", "Berg", "Ås", "Zahl", "Æra"]:
        note(staff, "Julebord", contact=ContactFactory(last_name=last))
    assert hits(staff_client, "julebord") == ["Berg", "Zahl", "Æra", "Østby", "Ås"]


@pytest.mark.parametrize("term", ["julebord", "ebo"])
def test_pagination_and_count(staff_client, staff, term):
    for i in range(55):
        note(staff, f"Julebord {i}", contact=ContactFactory(last_name=f"Navn{i:02d}"))
    first = staff_client.get(URL, {"q": term, "type": "note"}).context["result"]
    assert len(first.hits) == 50 and first.count == 55 and first.pages == 2
    second = staff_client.get(URL, {"q": term, "type": "note", "page": "2"}).context["result"]
    assert [c.last_name for c in second.hits] == [f"Navn{i}" for i in range(50, 55)]


def test_count_over_the_cap(staff_client, staff, settings):
    settings.SEARCH_COUNT_CAP = 3
    for _ in range(5):
        note(staff, "Julebord", contact=ContactFactory())
    result = staff_client.get(URL, {"q": "julebord", "type": "note"}).context["result"]
    assert result.over_cap and result.count == 3 and len(result.hits) == 5


def test_query_count_is_bounded(staff_client, staff, django_assert_max_num_queries):
    company = CompanyFactory()
    project = ProjectFactory()
    for i in range(60):
        contact = ContactFactory(last_name=f"Navn{i:02d}")
        ContactEmailFactory(contact=contact)
        CompanyLinkFactory(contact=contact, company=company)
        project.participants.add(contact)
        note(staff, f"Julebord {i}", private=bool(i % 2), contact=contact)
    note(staff, "Julebord firma", company=company, contact_persons=[contact])
    note(staff, "Julebord prosjekt", project=project)
    for term in ("julebord", "ju"):
        for kind in ("contact", "company"):
            params = {"q": term, "type": "note", "kind": kind}
            # Session, user, the probe, the page (each hit's note with it) and its
            # count; the panel's category choices come from the cache after the first.
            with django_assert_max_num_queries(5):
                staff_client.get(URL, params)
            with django_assert_max_num_queries(5):
                staff_client.get(URL, params, headers={"HX-Request": "true"})


# --- the matching note beside each hit ------------------------------------------------------


def test_each_hit_shows_its_matching_note_with_the_term_marked(staff_client, staff):
    contact = ContactFactory(last_name="Utdrag")
    note(staff, "Eldre: julebord <b>neste</b> år", contact=contact)
    newest = note(staff, "Ringte om JULEBORD og <script>x</script> menyen", contact=contact)
    Note.objects.filter(pk=newest.pk).update(created_at=newest.created_at.replace(year=2030))
    response = staff_client.get(URL, {"q": "julebord", "type": "note"})
    assert [c.note_snippet for c in response.context["result"].hits] == [
        ("Ringte om ", "JULEBORD", " og <script>x</script> menyen")
    ]
    assert "Ringte om <mark>JULEBORD</mark> og &lt;script&gt;x&lt;/script&gt; menyen" in (
        response.text
    )


def test_the_shown_note_is_never_anothers_private_one(client, staff, other_staff):
    contact = ContactFactory(last_name="Delt")
    note(other_staff, "Julebord: åpen plan", contact=contact)
    secret = note(staff, f"Julebord {SECRET}", private=True, contact=contact)
    Note.objects.filter(pk=secret.pk).update(created_at=secret.created_at.replace(year=2030))
    client.force_login(other_staff)
    response = client.get(URL, {"q": "julebord", "type": "note"})
    assert response.context["result"].hits[0].note_snippet == ("", "Julebord", ": åpen plan")
    assert SECRET not in response.text
    client.force_login(staff)
    assert SECRET in client.get(URL, {"q": "julebord", "type": "note"}).text


def test_long_notes_are_cut_around_the_match(staff_client, staff):
    note(staff, "a" * 200 + " julebord " + "b" * 200, contact=ContactFactory())
    note(staff, "Julebord for prosjektet", project=_project_with(ContactFactory(last_name="P")))
    result = staff_client.get(URL, {"q": "julebord", "type": "note"}).context["result"]
    cut = next(c.note_snippet for c in result.hits if c.last_name != "P")
    assert cut[0].startswith("…") and len(cut[0]) == 61 and cut[1] == "julebord"
    assert cut[2].endswith("…") and len(cut[2]) == 61
    assert next(c.note_snippet for c in result.hits if c.last_name == "P")[1] == "Julebord"


def test_company_hits_show_the_company_note(staff_client, staff):
    company = CompanyFactory(name="Notatfirma AS")
    note(staff, "Avtalt julebord i mars", company=company, contact_persons=[])
    result = staff_client.get(URL, {"q": "julebord", "type": "note", "kind": "company"})
    assert result.context["result"].hits[0].note_snippet == ("Avtalt ", "julebord", " i mars")


def _project_with(contact):
    project = ProjectFactory()
    project.participants.add(contact)
    return project
