import pytest
from django.urls import reverse
from django.utils import timezone

from tests.companies.factories import CompanyLinkFactory

pytestmark = pytest.mark.django_db


def test_pages_are_norwegian_by_default(staff_client):
    body = staff_client.get(reverse("home")).content.decode()
    assert 'lang="nb"' in body and "Ny kontakt" in body and "Logg ut" in body


def test_english_is_available(staff_client):
    staff_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = staff_client.get(reverse("home")).content.decode()
    assert 'lang="en"' in body and "New contact" in body


@pytest.mark.parametrize("language", ["nb", "en"])
def test_dates_are_shown_as_dd_mm_yyyy(staff_client, language):
    import datetime

    staff_client.post(reverse("set_language"), {"language": language, "next": "/"})
    link = CompanyLinkFactory(start_date=datetime.date(2024, 3, 7))
    tab = staff_client.get(reverse("contacts:tab", args=[link.contact.pk, "companies"]))
    assert "07.03.2024" in tab.content.decode()


def test_time_zone_is_oslo():
    assert str(timezone.get_default_timezone()) == "Europe/Oslo"
