import pytest
from django.contrib.auth.models import Group, Permission

from tests.factories import UserFactory

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
