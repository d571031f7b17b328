"""Reads for the webhook pages (administrators only)."""

from django.db.models import Count
from django.shortcuts import get_object_or_404

from ..models import Webhook, WebhookDelivery

DELIVERIES_SHOWN = 25


def webhook_list():
    return list(Webhook.objects.annotate(delivery_count=Count("deliveries")))


def webhook_for_page(*, pk: int) -> Webhook:
    return get_object_or_404(Webhook, pk=pk)


def webhook_deliveries(*, webhook: Webhook) -> list[WebhookDelivery]:
    """The last deliveries, newest first."""
    return list(webhook.deliveries.order_by("-created_at", "-id")[:DELIVERIES_SHOWN])


def delivery_for_page(*, pk: int) -> WebhookDelivery:
    return get_object_or_404(WebhookDelivery.objects.select_related("webhook"), pk=pk)
