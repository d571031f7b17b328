from django.db import models
from django.utils.translation import gettext_lazy as _


class TwoFactorPolicy(models.Model):
    """The firm's one rule for two-factor sign-in (a single row, id 1), set by a firm
    administrator on «Min konto». ``settings.REQUIRE_TWO_FACTOR`` requires it regardless."""

    required = models.BooleanField(
        _("require two-factor sign-in for everyone"),
        default=False,
        help_text=_(
            "Users without an authenticator app or passkey are sent to set one up at their "
            "next sign-in and cannot use the CRM until they have."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("two-factor policy")
        verbose_name_plural = _("two-factor policies")

    def __str__(self):
        return str(self._meta.verbose_name)
