import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from files.models import FileLink, StoredFile
from tests.companies.factories import CompanyFactory
from tests.contacts.factories import ContactFactory
from tests.crm.factories import UserFactory
from tests.files.factories import FileLinkFactory, StoredFileFactory

pytestmark = pytest.mark.django_db


def _upload_url(contact):
    return reverse("files:upload", args=["contact", contact.pk])


def _download(client, stored):
    response = client.get(reverse("files:download", args=[stored.pk]))
    return response, b"".join(response.streaming_content) if response.status_code == 200 else b""


def test_upload_then_download_gives_the_same_bytes(staff_client):
    contact = ContactFactory()
    content = "Kontrakt for Ærlig Øyvind Åsen\n".encode() * 100
    response = staff_client.post(
        _upload_url(contact),
        {
            "files": [
                SimpleUploadedFile("Kontrakt æøå.txt", content),
                SimpleUploadedFile("b.txt", b"2"),
            ]
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("contacts:tab", args=[contact.pk, "files"])
    stored = StoredFile.objects.get(name="Kontrakt æøå.txt")
    response, body = _download(staff_client, stored)
    assert body == content
    assert hashlib.sha256(body).hexdigest() == stored.sha256
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Kontrakt%20%C3%A6%C3%B8%C3%A5.txt"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert FileLink.objects.filter(contact=contact).count() == 2


@pytest.mark.parametrize(
    "content",
    [b"<html><script>alert(1)</script></html>", b'<svg xmlns="http://www.w3.org/2000/svg"/>'],
)
def test_html_and_svg_are_never_served_inline(staff_client, content):
    link = FileLinkFactory(file__content=content, file__name="side.html")
    response, _ = _download(staff_client, link.file)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"]


def test_oversize_file_is_refused_with_a_message_and_others_kept(staff_client, settings):
    settings.FILES_MAX_UPLOAD_MB = 1
    contact = ContactFactory()
    big = SimpleUploadedFile("stor.pdf", b"x" * (1024 * 1024 + 1))
    small = SimpleUploadedFile("liten.txt", b"liten")
    response = staff_client.post(_upload_url(contact), {"files": [big, small]}, follow=True)
    text = response.content.decode()
    assert "stor.pdf" in text and "1 MB" in text
    assert list(StoredFile.objects.values_list("name", flat=True)) == ["liten.txt"]


def test_a_body_declared_far_too_large_is_refused_before_reading(staff_client, settings):
    settings.FILES_MAX_UPLOAD_MB = 1
    contact = ContactFactory()
    response = staff_client.post(
        _upload_url(contact),
        {"files": SimpleUploadedFile("a.txt", b"a")},
        CONTENT_LENGTH=str(500 * 1024 * 1024),
        follow=True,
    )
    assert "for stor" in response.content.decode()
    assert not StoredFile.objects.exists()


def test_upload_without_files_says_so(staff_client):
    contact = ContactFactory()
    response = staff_client.post(_upload_url(contact), {}, follow=True)
    assert response.status_code == 200
    assert not StoredFile.objects.exists()
    assert response.context["messages"]


def test_upload_without_csrf_token_is_refused(client, staff):
    client = client.__class__(enforce_csrf_checks=True)
    client.force_login(staff)
    response = client.post(_upload_url(ContactFactory()), {"files": SimpleUploadedFile("a", b"a")})
    assert response.status_code == 403
    assert not StoredFile.objects.exists()


@pytest.mark.parametrize("name", ["../../etc/passwd", "a/b", "x" * 300 + ".txt"])
def test_hostile_name_is_shown_sanitised_with_a_message(staff_client, name):
    contact = ContactFactory()
    response = staff_client.post(
        _upload_url(contact), {"files": SimpleUploadedFile(name, b"innhold")}, follow=True
    )
    stored = StoredFile.objects.get()
    assert "/" not in stored.name and len(stored.name) <= 200
    assert stored.name in response.content.decode()


def test_tab_lists_files_with_where_else_they_are_linked(staff_client, staff):
    link = FileLinkFactory(file__name="Avtale.pdf", file__uploader=staff)
    company = CompanyFactory(name="Fjordkraft Demo AS")
    FileLinkFactory(file=link.file, contact=None, company=company)
    response = staff_client.get(
        reverse("contacts:tab", args=[link.contact.pk, "files"]), headers={"HX-Request": "true"}
    )
    text = response.content.decode()
    assert "Avtale.pdf" in text and "Fjordkraft Demo AS" in text


def test_tab_on_company_page(staff_client):
    company = CompanyFactory()
    FileLinkFactory(file__name="Firmaattest.pdf", contact=None, company=company)
    response = staff_client.get(reverse("companies:tab", args=[company.pk, "files"]))
    assert response.status_code == 200
    assert "Firmaattest.pdf" in response.content.decode()


def test_tab_sorts_and_paginates(staff_client):
    contact = ContactFactory()
    for name in ["c.txt", "a.txt", "b.txt"]:
        FileLinkFactory(file__name=name, contact=contact)
    url = reverse("contacts:tab", args=[contact.pk, "files"])
    page = staff_client.get(url, {"sort": "name"}).context["files_page"]
    assert [link.file.name for link in page] == ["a.txt", "b.txt", "c.txt"]
    page = staff_client.get(url, {"sort": "-name"}).context["files_page"]
    assert [link.file.name for link in page] == ["c.txt", "b.txt", "a.txt"]
    assert staff_client.get(url, {"sort": "bogus", "page": "999"}).status_code == 200


def test_tab_query_count_is_fixed_with_200_files(staff_client, django_assert_max_num_queries):
    contact = ContactFactory()
    other = CompanyFactory()
    uploaders = [None, *UserFactory.create_batch(2)]  # named on each row (crm.users)
    for i in range(200):
        link = FileLinkFactory(
            file__name=f"f{i}.txt", file__uploader=uploaders[i % 3], contact=contact
        )
        if i % 3 == 0:
            FileLinkFactory(file=link.file, contact=None, company=other)
    url = reverse("contacts:tab", args=[contact.pk, "files"])
    with django_assert_max_num_queries(12):
        response = staff_client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="file-row"') == 25


# --- access -------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    link = FileLinkFactory()
    for url in [
        reverse("files:download", args=[link.file.pk]),
        reverse("files:pick", args=["contact", link.contact.pk]),
        reverse("files:delete", args=[link.file.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_no_crm_access_is_forbidden(client, no_access_user):
    client.force_login(no_access_user)
    link = FileLinkFactory()
    assert client.get(reverse("files:download", args=[link.file.pk])).status_code == 403
    assert client.get(reverse("files:pick", args=["contact", link.contact.pk])).status_code == 403
    assert client.post(reverse("files:link_delete", args=[link.pk])).status_code == 403
    assert client.post(_upload_url(link.contact), {}).status_code == 403


def test_a_file_linked_nowhere_is_not_reachable(staff_client):
    # Neither in a file area nor shared by a source (such as a readable e-mail's attachment).
    stored = StoredFileFactory()
    assert staff_client.get(reverse("files:download", args=[stored.pk])).status_code == 404
    assert staff_client.get(reverse("files:delete", args=[stored.pk])).status_code == 404


def test_unknown_place_kind_is_404(staff_client):
    contact = ContactFactory()
    assert staff_client.get(reverse("files:pick", args=["secret", contact.pk])).status_code == 404
    assert staff_client.get(reverse("files:pick", args=["contact", 999999])).status_code == 404


def test_media_url_is_not_served(staff_client):
    link = FileLinkFactory()
    assert staff_client.get("/media/" + link.file.key).status_code == 404
    assert staff_client.get("/" + link.file.key).status_code == 404


# --- pick from elsewhere --------------------------------------------------------------------


def test_pick_lists_files_elsewhere_and_links_without_copying(staff_client):
    company = CompanyFactory(name="Havbruk AS")
    elsewhere = FileLinkFactory(file__name="Havbruk-avtale.pdf", contact=None, company=company)
    contact = ContactFactory()
    FileLinkFactory(file__name="Allerede her.txt", contact=contact)
    url = reverse("files:pick", args=["contact", contact.pk])
    response = staff_client.get(url, {"q": "havbruk"})
    text = response.content.decode()
    assert "Havbruk-avtale.pdf" in text and "Allerede her.txt" not in text
    response = staff_client.post(url, {"file": [elsewhere.file.pk]})
    assert response.status_code == 302
    assert StoredFile.objects.count() == 2  # no copy
    assert FileLink.objects.filter(contact=contact, file=elsewhere.file).exists()


def test_pick_search_by_place_name_and_scope(staff_client):
    company = CompanyFactory(name="Nordlys AS")
    FileLinkFactory(file__name="rapport.pdf", contact=None, company=company)
    FileLinkFactory(file__name="annet.pdf", contact=ContactFactory(last_name="Nordlysen"))
    url = reverse("files:pick", args=["contact", ContactFactory().pk])
    page = staff_client.get(url, {"q": "nordlys", "in": "company"}).context["page"]
    assert [f.name for f in page] == ["rapport.pdf"]
    response = staff_client.get(
        url, {"q": "nordlys"}, headers={"HX-Request": "true", "HX-Target": "picker-file-results"}
    )
    assert "<html" not in response.content.decode()
    assert len(response.context["page"].object_list) == 2


def test_pick_cannot_link_a_file_the_user_cannot_see(staff_client):
    hidden = StoredFileFactory()
    contact = ContactFactory()
    response = staff_client.post(
        reverse("files:pick", args=["contact", contact.pk]), {"file": [hidden.pk]}
    )
    assert response.status_code == 200
    assert not FileLink.objects.exists()


# --- unlink and delete ------------------------------------------------------------------------


def test_unlink_view_keeps_the_file_elsewhere(staff_client):
    link = FileLinkFactory()
    company = CompanyFactory()
    FileLinkFactory(file=link.file, contact=None, company=company)
    response = staff_client.post(reverse("files:link_delete", args=[link.pk]))
    assert response.status_code == 302
    assert list(FileLink.objects.values_list("company", flat=True)) == [company.pk]
    assert StoredFile.objects.exists()


def test_delete_view_asks_first_then_deletes_everywhere(staff_client):
    link = FileLinkFactory()
    FileLinkFactory(file=link.file, contact=None, company=CompanyFactory())
    url = reverse("files:delete", args=[link.file.pk])
    assert staff_client.get(url).status_code == 200
    assert StoredFile.objects.exists()
    response = staff_client.post(url, {"next": "https://evil.example/"})
    assert response.status_code == 302 and "evil" not in response["Location"]
    assert not StoredFile.objects.exists() and not FileLink.objects.exists()


def test_views_refuse_wrong_methods(staff_client):
    link = FileLinkFactory()
    assert staff_client.get(reverse("files:link_delete", args=[link.pk])).status_code == 405
    assert staff_client.get(_upload_url(link.contact)).status_code == 405
