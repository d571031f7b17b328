"""A factory for every model. Related rows are kept consistent with SubFactory."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from factory.django import DjangoModelFactory

from companies.models import Company, CompanyLink
from contacts.models import Category, Contact, ContactEmail


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


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Kategori {n}")


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    mobile = factory.Sequence(lambda n: f"+4741{n % 1000000:06d}")
    city = "Oslo"
    postcode = "0150"


class ContactEmailFactory(DjangoModelFactory):
    class Meta:
        model = ContactEmail

    contact = factory.SubFactory(ContactFactory)
    email = factory.LazyAttributeSequence(
        lambda o, n: f"{o.contact.last_name.lower().replace(' ', '')}{n}@example.no"
    )


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Firma {n} AS")
    org_number = "988077917"
    city = "Bergen"


class CompanyLinkFactory(DjangoModelFactory):
    class Meta:
        model = CompanyLink

    contact = factory.SubFactory(ContactFactory)
    company = factory.SubFactory(CompanyFactory)
    position = "Daglig leder"
