import pytest

from cardservices import sms


@pytest.fixture(autouse=True)
def _sms_locmem(settings):
    settings.SMS_BACKEND = "cardservices.sms.backends.locmem.SmsBackend"
    settings.SMS_SENDER = "Firma AS"
    settings.PHONE_DIRECTORY_BACKEND = ""
    sms.outbox.clear()
    yield
    sms.outbox.clear()
