from pathlib import Path

import pytest
from django.urls import reverse

from files.models import StoredFile
from tests.browser.conftest import assert_accessible
from tests.contacts.factories import ContactFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_upload_a_file_on_the_card_and_download_it(live_server, page, login, staff, tmp_path):
    contact = ContactFactory(first_name="Åse", last_name="Ødegård")
    source = tmp_path / "Tilbud æøå.txt"
    source.write_bytes("Tilbud til Åse Ødegård\n".encode())
    login(staff)
    page.goto(live_server.url + reverse("contacts:detail", args=[contact.pk]))
    page.get_by_role("tab", name="Filområde").click()
    page.get_by_label("Last opp filer").set_input_files(str(source))
    page.get_by_role("button", name="Last opp", exact=True).click()
    row = page.get_by_test_id("file-row").filter(has_text="Tilbud æøå.txt")
    row.wait_for()
    assert_accessible(page)
    with page.expect_download() as info:
        row.get_by_role("link", name="Tilbud æøå.txt", exact=True).click()
    download = info.value
    assert download.suggested_filename == "Tilbud æøå.txt"
    assert Path(download.path()).read_bytes() == source.read_bytes()
    assert StoredFile.objects.get().name == "Tilbud æøå.txt"
