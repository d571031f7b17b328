from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """«Min konto»: each user's password, two-factor sign-in (django-otp: authenticator
    app, passkeys through django-otp-webauthn, recovery codes) and language. A leaf: no
    other app imports it."""

    name = "accounts"
    verbose_name = _("My account")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .gate import on_login

        user_logged_in.connect(on_login, dispatch_uid="accounts.gate.on_login")
