"""Webhook deliveries on Django's tasks framework (django-tasks-db; ``manage.py
db_worker`` runs them). The task takes the delivery's id; a retry is a new task with
``run_after`` (api/webhooks/services.py says when)."""

from django.tasks import task


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
