"""The two-factor gate: after the password, a user who has an authenticator app or a
passkey must use it, and, when the firm requires two-factor sign-in, a user without one
must set one up, before any other page of the CRM opens.

Where a user stands is worked out when they sign in (``user_logged_in``) and kept in the
session, so that ordinary pages pay no query for it. A session from before this gate gets
it worked out on its first request.
"""

from urllib.parse import quote

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .selectors import two_factor_required, user_has_second_factor

SESSION_KEY = "crm_two_factor"
OK = "ok"
VERIFY = "verify"
SET_UP = "set-up"


def two_factor_state(user) -> str:
    if user_has_second_factor(user):
        return VERIFY
    if two_factor_required():
        return SET_UP
    return OK


def note_state(request, user) -> None:
    request.session[SESSION_KEY] = two_factor_state(user)


def on_login(sender, request, user, **kwargs):
    """``user_logged_in`` receiver (connected in AccountsConfig.ready)."""
    if request is not None and hasattr(request, "session"):
        note_state(request, user)


def _open_paths() -> tuple[str, ...]:
    """Paths a signed-in but not yet verified user may open: the gate's own pages (and the
    passkey ceremonies under them), logging out, the language switch and static files."""
    return (
        reverse("account:two_factor_verify").rsplit("verify/", 1)[0],
        reverse("logout"),
        reverse("set_language"),
        "/" + settings.STATIC_URL.lstrip("/"),
    )


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware, which gives ``request.user.is_verified()``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            state = request.session.get(SESSION_KEY)
            if state is None:
                state = two_factor_state(user)
                request.session[SESSION_KEY] = state
            if state != OK and not request.path_info.startswith(_open_paths()):
                target = (
                    "account:two_factor_verify" if state == VERIFY else "account:two_factor_setup"
                )
                return redirect(f"{reverse(target)}?next={quote(request.get_full_path())}")
        return self.get_response(request)
