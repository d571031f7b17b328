"""Webhook deliveries on Django's tasks framework (django-tasks-db; ``manage.py
db_worker`` runs them). A committed transaction's changes come as one
:func:`prepare_webhook_deliveries` (name, id, kind each); each delivery is then its own
:func:`deliver_webhook`, by id; a retry is a new one with ``run_after``
(api/webhooks/services.py says when)."""

from django.tasks import task


@task
def prepare_webhook_deliveries(changes: list[list]) -> int:
    from .services import deliveries_create

    return len(deliveries_create(changes=[(n, int(pk), kind) for n, pk, kind in changes]))


@task
def deliver_webhook(delivery_id: int) -> dict:
    from ..models import DeliveryStatus, WebhookDelivery
    from .services import delivery_attempt

    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None:  # the webhook was deleted since
        return {"delivery": delivery_id, "missing": True}
    if delivery.status in (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED):
        return {"delivery": delivery_id, "status": delivery.status}
    delivery = delivery_attempt(delivery=delivery)
    return {"delivery": delivery_id, "status": delivery.status, "attempts": delivery.attempts}
