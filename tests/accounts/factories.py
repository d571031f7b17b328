"""Second factors: a confirmed authenticator app for a user, and the codes it shows."""

import factory
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory

from tests.crm.factories import UserFactory


class AuthenticatorFactory(DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Autentiseringsapp"
    confirmed = True


def current_code(device: TOTPDevice) -> str:
    """The code the user's app shows now (django-otp's own TOTP)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"
