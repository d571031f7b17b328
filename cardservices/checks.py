"""Deployment checks (``manage.py check --deploy``) for the services on the card."""

from django.core.checks import Warning, register


@register(deploy=True)
def sms_gateway_check(app_configs, **kwargs):
    """cardservices.W001: no SMS gateway, so the SMS form only says "not set up"."""
    from .sms import get_backend

    backend = get_backend()
    if backend.configured and backend.delivers:
        return []
    return [
        Warning(
            "No SMS gateway is set up: staff cannot send SMS from the card.",
            hint=(
                "Set SMS_BACKEND=cardservices.sms.backends.http.SmsBackend with SMS_HTTP_URL "
                "and SMS_HTTP_API_KEY. The default console backend only writes to the log, "
                "for development."
            ),
            id="cardservices.W001",
        )
    ]
