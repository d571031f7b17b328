"""The import pages: administrators only, every step, and no input that breaks them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from contacts.models import Contact
from imports.models import ImportJob, ImportMapping
from tests.crm.factories import UserFactory
from tests.imports.files import ROW_OLA, ROW_PRIVATE, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, firm_admin):
    client.force_login(firm_admin)
    return client


def _upload(client, data, name="kunder.csv", **extra):
    return client.post(
        reverse("imports:create"), {"file": SimpleUploadedFile(name, data), **extra}
    )


def _job_urls(job):
    return [
        ("get", reverse("imports:list")),
        ("post", reverse("imports:create")),
        ("get", reverse("imports:detail", args=[job.pk])),
        ("post", reverse("imports:mapping", args=[job.pk])),
        ("post", reverse("imports:run", args=[job.pk])),
        ("get", reverse("imports:progress", args=[job.pk])),
        ("get", reverse("imports:errors", args=[job.pk])),
        ("post", reverse("imports:undo", args=[job.pk])),
    ]


def test_anonymous_users_are_sent_to_log_in(client, firm_admin):
    job = ImportJob.objects.create(file_name="a.csv", uploaded_by=firm_admin)
    for method, url in _job_urls(job):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert reverse("login") in response["Location"]


@pytest.mark.parametrize("crm_access", [True, False])
def test_staff_without_the_administrator_role_get_403(client, firm_admin, crm_access):
    job = ImportJob.objects.create(file_name="a.csv", uploaded_by=firm_admin)
    client.force_login(UserFactory(crm_access=crm_access))
    for method, url in _job_urls(job):
        assert getattr(client, method)(url).status_code == 403, url
    assert not Contact.objects.exists()


def test_a_job_that_does_not_exist_is_404(admin_client):
    assert admin_client.get(reverse("imports:detail", args=[999999])).status_code == 404


def test_the_menu_shows_the_import_page_to_administrators(admin_client):
    url = reverse("imports:list")
    assert url in admin_client.get(reverse("home")).content.decode()


def test_staff_see_no_import_link(staff_client):
    assert reverse("imports:list") not in staff_client.get(reverse("home")).content.decode()


def test_upload_guesses_the_columns_and_shows_them_for_editing(admin_client):
    response = _upload(admin_client, csv_bytes([ROW_OLA]))

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert 'name="col_0"' in page
    assert '<option value="last_name" selected>' in page
    assert "Hansen" in page  # the column's first values beside its choice


@pytest.mark.django_db(transaction=True)
def test_mapping_dry_run_import_and_undo_through_the_pages(admin_client):
    _upload(admin_client, csv_bytes([ROW_OLA, ROW_PRIVATE]))
    job = ImportJob.objects.get()
    columns = {f"col_{i}": key for i, key in job.columns.items()}

    response = admin_client.post(
        reverse("imports:mapping", args=[job.pk]),
        {**columns, "match_keys": ["email"], "save_as": "Tripletex"},
    )

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED
    assert (job.created_count, job.refused_count) == (2, 0)
    assert ImportMapping.objects.get(name="Tripletex").columns["Etternavn"] == "last_name"
    assert not Contact.objects.exists()
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert 'data-testid="preview-table"' in page

    admin_client.post(reverse("imports:run", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED
    progress = admin_client.get(reverse("imports:progress", args=[job.pk]))
    assert "<progress" in progress.content.decode()

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Contact.objects.count() == 2
    finished = admin_client.get(reverse("imports:progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert finished["HX-Refresh"] == "true"

    admin_client.post(reverse("imports:undo", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.UNDONE
    assert not Contact.objects.exists()


def test_a_saved_mapping_is_used_for_the_next_file(admin_client, firm_admin):
    mapping = ImportMapping.objects.create(
        name="Visma", columns={"Navn": "last_name", "Epost": "email"}, match_keys=["email"]
    )

    _upload(
        admin_client,
        csv_bytes([["Hansen", "ola@aune.no"]], header=["Epost", "Navn"]),
        mapping=mapping.pk,
    )

    job = ImportJob.objects.get()
    # By header, wherever the column is (here the other way round).
    assert job.columns == {"0": "email", "1": "last_name"}
    assert job.match_keys == ["email"]


def test_the_same_field_for_two_columns_is_refused_on_the_page(admin_client):
    _upload(admin_client, csv_bytes([ROW_OLA]))
    job = ImportJob.objects.get()

    response = admin_client.post(
        reverse("imports:mapping", args=[job.pk]), {"col_0": "last_name", "col_1": "last_name"}
    )

    assert response.status_code == 400
    assert "én kolonne" in response.content.decode()


def test_the_error_file_lists_each_refused_row_and_makes_formulas_inert(admin_client):
    bad = ['=HYPERLINK("x")', "Ola", "", "", "abc", "", "", "", "", "", ""]
    _upload(admin_client, csv_bytes([ROW_PRIVATE, bad]))
    job = ImportJob.objects.get()
    admin_client.post(
        reverse("imports:mapping", args=[job.pk]),
        {f"col_{i}": key for i, key in job.columns.items()} | {"match_keys": ["email"]},
    )

    response = admin_client.get(reverse("imports:errors", args=[job.pk]))

    text = response.content.decode("utf-8")
    assert response["Content-Type"].startswith("text/csv")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == "Rad;Kolonne;Melding"
    assert lines[1].startswith("3;Kundenr;")
    assert "=HYPERLINK" not in "".join(line.split(";")[2][:1] for line in lines[1:])


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "tom.csv"),
        (b"\x00\x01\x02\x03", "binary.csv"),
        (b"PK\x03\x04garbage", "x.xlsx"),
        (b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:;;\r\n", "x.vcf"),
        (b"\xff\xfe\x00\xd8", "utf16.csv"),
        (b"Etternavn\n" + b"A" * 300_000 + b"\n", "huge.csv"),
        (b"MZ\x90\x00", "program.exe"),
    ],
)
def test_garbage_files_get_a_clear_message_never_a_server_error(admin_client, data, name):
    response = _upload(admin_client, data, name)

    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert (
            'class="invalid-feedback' in response.content.decode()
            or "alert" in response.content.decode()
        )
    else:
        job = ImportJob.objects.get()
        mapping = admin_client.post(
            reverse("imports:mapping", args=[job.pk]),
            {f"col_{i}": key for i, key in job.columns.items()},
        )
        assert mapping.status_code in (302, 400)
        assert admin_client.get(job.get_absolute_url()).status_code == 200


def test_bad_parameters_on_the_mapping_page_are_no_error(admin_client):
    _upload(admin_client, csv_bytes([ROW_OLA]))
    job = ImportJob.objects.get()

    response = admin_client.post(
        reverse("imports:mapping", args=[job.pk]),
        {
            "col_0": "no_such_field",
            "col_99": "last_name",
            "match_keys": ["nope"],
            "save_as": "x" * 500,
        },
    )

    assert response.status_code == 400


def test_running_an_import_before_its_dry_run_is_refused(admin_client):
    _upload(admin_client, csv_bytes([ROW_OLA]))
    job = ImportJob.objects.get()

    response = admin_client.post(reverse("imports:run", args=[job.pk]), follow=True)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.UPLOADED
    assert "Prøvekjør" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_checked_in_the_background(admin_client):
    from imports.services import PREVIEW_IN_REQUEST_ROWS

    rows = [
        [f"Hansen{i}", "Ola", "", "", "", "", "", "", "", "", ""]
        for i in range(PREVIEW_IN_REQUEST_ROWS + 1)
    ]
    _upload(admin_client, csv_bytes(rows))
    job = ImportJob.objects.get()

    admin_client.post(
        reverse("imports:mapping", args=[job.pk]),
        {f"col_{i}": key for i, key in job.columns.items()},
    )

    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKING
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert "Kontrollerer filen" in page
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED
    assert job.created_count == PREVIEW_IN_REQUEST_ROWS + 1
    assert not Contact.objects.exists()
