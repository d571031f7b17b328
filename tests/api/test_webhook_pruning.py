"""Finished webhook deliveries are pruned after a while; waiting ones never are."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from api.models import DeliveryStatus, Webhook, WebhookDelivery
from api.webhooks import services

pytestmark = pytest.mark.django_db


def delivery(hook, status, days_old):
    row = WebhookDelivery.objects.create(
        webhook=hook, event="contact.created", body="{}", status=status
    )
    WebhookDelivery.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_old)
    )
    return row


@pytest.fixture
def hook():
    return Webhook.objects.create(
        name="Regnskap", url="https://example.no/hook", events=["contact.created"], secret="s"
    )


def test_prune_removes_old_finished_deliveries_and_keeps_the_rest(hook, monkeypatch):
    monkeypatch.setattr(services, "PRUNE_BATCH", 2)  # several batches
    old = [delivery(hook, DeliveryStatus.DELIVERED, 40) for _ in range(3)]
    old.append(delivery(hook, DeliveryStatus.FAILED, 31))
    kept = [
        delivery(hook, DeliveryStatus.DELIVERED, 5),
        delivery(hook, DeliveryStatus.PENDING, 90),
        delivery(hook, DeliveryStatus.RETRYING, 90),
    ]
    out = StringIO()
    call_command("prune_webhook_deliveries", stdout=out, stderr=StringIO())
    assert "Removed 4" in out.getvalue()
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {k.pk for k in kept}
    # Running it again changes nothing.
    call_command("prune_webhook_deliveries", verbosity=0)
    assert WebhookDelivery.objects.count() == 3


def test_prune_days_is_the_callers_and_never_negative(hook):
    delivery(hook, DeliveryStatus.DELIVERED, 5)
    call_command("prune_webhook_deliveries", "--days", "3", verbosity=0)
    assert not WebhookDelivery.objects.exists()
    with pytest.raises(CommandError):
        call_command("prune_webhook_deliveries", "--days", "-1")
