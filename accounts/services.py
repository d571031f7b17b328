"""Writes of «Min konto»: authenticator apps, recovery codes, passkeys, the firm's rule."""

from itertools import chain

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from .models import TwoFactorPolicy

RECOVERY_CODE_COUNT = 10


@transaction.atomic
def authenticator_start(*, user) -> TOTPDevice:
    """A new, unconfirmed authenticator for ``user`` (any earlier unconfirmed one goes):
    it counts only once a code from the app has been entered."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


@transaction.atomic
def authenticator_confirm(*, user, device_id: int, token: str) -> TOTPDevice:
    device = TOTPDevice.objects.select_for_update().filter(user=user, pk=device_id).first()
    if device is None or device.confirmed:
        raise ValidationError(_("Start the setup again."), code="gone")
    if not device.verify_token(token.strip()):
        raise ValidationError(_("The code is wrong or has expired."), code="wrong")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


@transaction.atomic
def recovery_codes_create(*, user) -> list[str]:
    """Ten new one-time recovery codes for ``user``; any earlier ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def second_factor_delete(*, user, kind: str, device_id: int) -> None:
    """Remove one of ``user``'s authenticators or passkeys. When none is left, the
    recovery codes go too: they only stand in for one."""
    model = {"authenticator": TOTPDevice, "passkey": WebAuthnCredential}.get(kind)
    if model is None:
        raise ValidationError(_("Unknown sign-in method."), code="unknown")
    model.objects.filter(user=user, pk=device_id).delete()
    if not (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    ):
        StaticDevice.objects.filter(user=user).delete()


def second_factor_check(*, user, token: str) -> Device | None:
    """The device of ``user``'s that accepts ``token`` (a code from the app, or a recovery
    code, which is used up), or None. django-otp slows repeated failures down per device."""
    token = "".join(token.split())
    if not token:
        return None
    devices = chain(
        TOTPDevice.objects.filter(user=user, confirmed=True),
        StaticDevice.objects.filter(user=user, confirmed=True),
    )
    for device in devices:
        with transaction.atomic():
            if device.verify_token(token):
                return device
    return None


@transaction.atomic
def two_factor_policy_set(*, required: bool) -> TwoFactorPolicy:
    policy, _created = TwoFactorPolicy.objects.update_or_create(
        pk=1, defaults={"required": required}
    )
    return policy


@transaction.atomic
def second_factors_reset(*, user) -> None:
    """Take all of ``user``'s second factors away (a lost phone and lost codes): they sign
    in with the password alone, or set a new one up when the firm requires it."""
    TOTPDevice.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
