"""Users: with CRM access unless told otherwise, or administrators of the firm."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from factory.django import DjangoModelFactory


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.no")
    password = factory.django.Password("pw-for-tests-1")

    @factory.post_generation
    def crm_access(self, create, extracted, **kwargs):
        """CRM access unless ``crm_access=False`` is passed."""
        if create and extracted is not False:
            self.user_permissions.add(_permission("access_crm"))

    @factory.post_generation
    def firm_admin(self, create, extracted, **kwargs):
        """``firm_admin=True``: an administrator of the firm (and of Django admin)."""
        if create and extracted:
            self.is_staff = self.is_superuser = True
            self.save(update_fields=["is_staff", "is_superuser"])
            self.user_permissions.add(_permission("administer_firm"))


def _permission(codename):
    return Permission.objects.get(content_type__app_label="contacts", codename=codename)
