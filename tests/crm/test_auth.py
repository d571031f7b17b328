import pytest
from django.contrib.auth.models import Group, Permission

from tests.crm.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_permissions_from_groups_and_the_user_are_read_in_one_query(django_assert_num_queries):
    user = UserFactory(crm_access=False)
    group = Group.objects.create(name="Kontor")
    group.permissions.add(Permission.objects.get(codename="access_crm"))
    user.groups.add(group)
    user.user_permissions.add(Permission.objects.get(codename="administer_firm"))
    with django_assert_num_queries(1):
        assert user.has_perm("contacts.access_crm")
        assert user.has_perm("contacts.administer_firm")
        assert not user.has_perm("contacts.delete_contact")


def test_inactive_users_have_no_permissions():
    user = UserFactory()
    user.is_active = False
    assert not user.has_perm("contacts.access_crm")


def _session_user(user):
    from crm.auth import CrmModelBackend

    return CrmModelBackend().get_user(user.pk)


def test_the_signed_in_user_comes_with_their_permissions_in_one_query(
    django_assert_num_queries,
):
    user = UserFactory(crm_access=False)
    group = Group.objects.create(name="Kontor")
    group.permissions.add(Permission.objects.get(codename="access_crm"))
    user.groups.add(group)
    user.user_permissions.add(Permission.objects.get(codename="administer_firm"))
    with django_assert_num_queries(1):
        loaded = _session_user(user)
        assert loaded.has_perm("contacts.access_crm")
        assert loaded.has_perm("contacts.administer_firm")
        assert not loaded.has_perm("contacts.delete_contact")


def test_a_superuser_has_every_permission_and_an_inactive_user_none():
    superuser = UserFactory(crm_access=False, is_superuser=True)
    assert _session_user(superuser).has_perm("contacts.delete_contact")
    UserFactory._meta.model.objects.filter(pk=superuser.pk).update(is_active=False)
    assert _session_user(superuser) is None


def test_a_page_reads_the_user_and_permissions_in_one_query(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client.force_login(UserFactory(crm_access=True))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("search:results")).status_code == 200
    permission_reads = [q["sql"] for q in captured if "auth_permission" in q["sql"]]
    assert len(permission_reads) == 1
    assert "auth_user" in permission_reads[0]  # … the same query that reads the user


def test_a_permission_taken_away_counts_from_the_next_request(client):
    from django.urls import reverse

    user = UserFactory(crm_access=True)
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    user.user_permissions.clear()
    user.groups.clear()
    assert client.get(reverse("home")).status_code == 403
