import pytest

from tests.mailbox.conftest import smtp_server  # noqa: F401  (a real SMTP server on loopback)
from tests.orders.factories import FirmDetailsFactory


@pytest.fixture(autouse=True)
def firm(db):
    """The firm's own details, entered: invoicing needs them (a test that is about their
    absence deletes them)."""
    return FirmDetailsFactory()
