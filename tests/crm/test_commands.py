import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from companies.models import Company, CompanyLink
from contacts.models import Contact
from crm.access import has_crm_access, is_firm_admin

pytestmark = pytest.mark.django_db


def test_crm_user_creates_a_staff_user_with_crm_access(monkeypatch):
    monkeypatch.setenv("CRM_USER_PASSWORD", "s3cret-pass-123")
    call_command("crm_user", "ola")
    user = get_user_model().objects.get(username="ola")
    assert user.check_password("s3cret-pass-123")
    assert has_crm_access(user)
    assert not is_firm_admin(user)
    assert not user.is_staff


def test_crm_user_admin_flag_makes_a_firm_administrator(monkeypatch):
    monkeypatch.setenv("CRM_USER_PASSWORD", "s3cret-pass-123")
    call_command("crm_user", "ada", "--admin")
    user = get_user_model().objects.get(username="ada")
    assert is_firm_admin(user) and user.is_staff


def test_crm_user_can_take_crm_access_away(monkeypatch):
    monkeypatch.setenv("CRM_USER_PASSWORD", "s3cret-pass-123")
    call_command("crm_user", "per")
    call_command("crm_user", "per", "--no-crm-access")
    user = get_user_model().objects.get(username="per")
    assert not has_crm_access(user)


def test_crm_user_without_password_or_terminal_says_what_to_do(monkeypatch):
    monkeypatch.delenv("CRM_USER_PASSWORD", raising=False)
    monkeypatch.setattr("os.isatty", lambda fd: False)
    with pytest.raises(CommandError, match="CRM_USER_PASSWORD"):
        call_command("crm_user", "kari")


@pytest.fixture
def debug(settings):
    """Demo data is for development: seed_demo runs only with DEBUG on."""
    settings.DEBUG = True


def test_seed_demo_refuses_with_debug_off_and_changes_nothing(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=true"):
        call_command("seed_demo", contacts=5, companies=1, quiet=True)
    assert not get_user_model().objects.exists()
    assert not Contact.objects.exists()


def test_seed_demo_run_again_keeps_a_changed_admin_password_and_rights(debug, capsys):
    call_command("seed_demo", contacts=5, companies=1, quiet=True)
    User = get_user_model()
    admin, kari = User.objects.get(username="admin"), User.objects.get(username="kari")
    admin.set_password("the-operators-own-9")
    admin.save()
    kari.user_permissions.clear()  # the operator took kari's CRM access away
    capsys.readouterr()

    call_command("seed_demo", contacts=5, companies=1, quiet=True)

    admin, kari = User.objects.get(username="admin"), User.objects.get(username="kari")
    assert admin.check_password("the-operators-own-9")
    assert not admin.check_password("demo-admin-2026")
    assert not has_crm_access(kari)
    assert "unless changed" in capsys.readouterr().out


def test_seed_demo_is_deterministic_and_does_not_duplicate_when_run_again(debug):
    call_command("seed_demo", contacts=120, companies=15, quiet=True)
    first = list(Contact.objects.order_by("id").values_list("last_name", "first_name"))
    links = CompanyLink.objects.count()
    call_command("seed_demo", contacts=120, companies=15, quiet=True)
    assert Contact.objects.count() == 120
    assert Company.objects.count() == 15
    assert CompanyLink.objects.count() == links
    assert list(Contact.objects.order_by("id").values_list("last_name", "first_name")) == first


def test_seed_demo_adds_only_what_is_missing_and_prints_the_logins(debug, capsys):
    call_command("seed_demo", contacts=50, companies=5, quiet=True)
    call_command("seed_demo", contacts=80, companies=5, quiet=True)
    assert Contact.objects.count() == 80
    out = capsys.readouterr().out
    assert "admin / demo-admin-2026" in out and "kari / demo-kari-2026" in out
    kari = get_user_model().objects.get(username="kari")
    assert kari.check_password("demo-kari-2026") and has_crm_access(kari)


def test_seed_demo_names_are_norwegian_with_valid_org_numbers(debug):
    from stdnum.no import orgnr

    call_command("seed_demo", contacts=60, companies=10, quiet=True)
    assert all(orgnr.is_valid(n) for n in Company.objects.values_list("org_number", flat=True))
    assert Contact.objects.filter(customer_number__isnull=False).exists()
    assert all(c.emails.exists() for c in Contact.objects.all()[:10])


def test_seeded_contacts_have_a_created_entry_and_their_first_change_shows_old_and_new(debug):
    from contacts.services import contact_update
    from history.models import Entry

    call_command("seed_demo", contacts=20, companies=3, quiet=True)
    contact = Contact.objects.order_by("id").first()
    created = Entry.objects.get(contact=contact, verb="contacts.created")
    assert created.actor_label == "seed_demo"
    old_city = contact.city
    contact_update(contact=contact, city="Vardø")
    change = Entry.objects.get(contact=contact, verb="contacts.changed")
    assert change.data["changes"]["city"] == [old_city, "Vardø"]
