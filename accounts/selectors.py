"""What «Min konto» and the two-factor gate read."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from .models import TwoFactorPolicy


def two_factor_required() -> bool:
    """Whether everyone must sign in with a second factor: the setting, or the firm's flag."""
    if getattr(settings, "REQUIRE_TWO_FACTOR", False):
        return True
    return TwoFactorPolicy.objects.filter(pk=1, required=True).exists()


def two_factor_policy() -> TwoFactorPolicy:
    return TwoFactorPolicy.objects.filter(pk=1).first() or TwoFactorPolicy(pk=1)


def user_has_second_factor(user) -> bool:
    """An authenticator app or a passkey, confirmed. Recovery codes alone do not count:
    they stand in for one of those, they are not a way of their own."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    )


def account_devices(user) -> dict:
    return {
        "authenticators": list(
            TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk")
        ),
        "passkeys": list(WebAuthnCredential.objects.filter(user=user).order_by("pk")),
        "recovery_codes_left": StaticToken.objects.filter(device__user=user).count(),
    }


def authenticator_unconfirmed(*, user, device_id) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, pk=device_id, confirmed=False).first()


def users_with_second_factor():
    """Everyone with an authenticator app or a passkey, for the firm administrator."""
    user_model = get_user_model()
    return list(
        user_model.objects.filter(
            Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
            | Exists(WebAuthnCredential.objects.filter(user=OuterRef("pk"), confirmed=True))
        ).order_by("first_name", "last_name", "username")
    )
