"""Writes on webhooks and their deliveries, and one signed delivery attempt.

The signature (README, «Webhooks»): ``X-CRM-Signature: t=<unix seconds>,v1=<hex>``, where
``v1`` is HMAC-SHA256 under the webhook's secret of ``"<t>." + body`` (the body's bytes as
sent). The timestamp is inside what is signed, so a captured delivery cannot be replayed
later under a fresh ``t``; the receiver refuses a ``t`` far from its own clock.

Retries: an attempt that gets no 2xx answer (a 500, a timeout, a refused connection, an
internal address the guard will not reach) is tried again after ``WEBHOOK_RETRY_BASE``
seconds, doubling each time (30 s, 1 min, 2 min, 4 min, 8 min by default), until
``WEBHOOK_MAX_ATTEMPTS`` attempts; then the delivery is «failed» and stays on the page
with its last answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.http_client import HttpCallError, send

from ..models import DeliveryStatus, Webhook, WebhookDelivery, WebhookEvent
from .payloads import payload

SECRET_PREFIX = "whsec_"
RESPONSE_KEPT = 1000  # characters of the receiver's answer kept to show


def max_attempts() -> int:
    return settings.WEBHOOK_MAX_ATTEMPTS


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: base × 2^(attempts − 1)."""
    base = settings.WEBHOOK_RETRY_BASE
    return dt.timedelta(seconds=base * 2 ** (attempts - 1))


def sign(*, secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def _checked(webhook: Webhook) -> Webhook:
    webhook.name = webhook.name.strip()
    unknown = set(webhook.events) - set(WebhookEvent.values)
    if not webhook.events or unknown:
        raise ValidationError({"events": _("Choose at least one event.")})
    webhook.full_clean()
    return webhook


@transaction.atomic
def webhook_create(*, name: str, url: str, events: list[str], actor, active=True) -> Webhook:
    webhook = Webhook(
        name=name,
        url=url,
        events=sorted(set(events)),
        active=active,
        created_by=actor,
        secret=SECRET_PREFIX + secrets.token_urlsafe(32),
    )
    _checked(webhook).save()
    return webhook


@transaction.atomic
def webhook_update(
    *, webhook: Webhook, name: str, url: str, events: list[str], active: bool
) -> Webhook:
    webhook.name, webhook.url, webhook.active = name, url, active
    webhook.events = sorted(set(events))
    _checked(webhook).save()
    return webhook


@transaction.atomic
def webhook_new_secret(*, webhook: Webhook) -> Webhook:
    webhook.secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    webhook.save(update_fields=["secret"])
    return webhook


@transaction.atomic
def webhook_delete(*, webhook: Webhook) -> None:
    webhook.delete()  # its deliveries with it; a queued attempt then finds nothing


def _listened() -> set[str]:
    return {
        e
        for events in Webhook.objects.filter(active=True).values_list("events", flat=True)
        for e in events
    }


def changes_enqueue(*, changes: list[tuple[str, int, str]]) -> bool:
    """Hand a committed transaction's changes (``events._Batch``) to the task backend,
    unless no active webhook listens to any of them."""
    listened = _listened()
    wanted = [list(c) for c in changes if f"{c[0]}.{c[2]}" in listened]
    if not wanted:
        return False
    from .tasks import prepare_webhook_deliveries

    prepare_webhook_deliveries.enqueue(wanted)
    return True


def deliveries_create(*, changes: list[tuple[str, int, str]]) -> list[WebhookDelivery]:
    """A delivery to each active webhook that listens, for each change; each queued on
    the task backend after this commit. The body is the object as it is now (moments
    after the change was committed)."""
    hooks = list(Webhook.objects.filter(active=True))
    if not hooks:
        return []
    made = []
    with transaction.atomic():
        for name, pk, kind in changes:
            event = f"{name}.{kind}"
            listening = [h for h in hooks if event in h.events]
            if not listening:
                continue
            body = payload(name, pk, kind)
            if body is None:
                continue
            text = json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False)
            made += WebhookDelivery.objects.bulk_create(
                WebhookDelivery(webhook=h, event=event, body=text) for h in listening
            )
        ids = [d.pk for d in made]
        transaction.on_commit(lambda: _enqueue(ids))
    return made


def _enqueue(ids: list[int], *, run_after: dt.datetime | None = None) -> None:
    from .tasks import deliver_webhook

    task = deliver_webhook.using(run_after=run_after) if run_after else deliver_webhook
    for pk in ids:
        task.enqueue(pk)


def delivery_attempt(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send ``delivery`` once, signed now; keep the answer; queue the next attempt after
    a failure (or give up after the last)."""
    webhook = delivery.webhook
    body = delivery.body.encode()
    delivery.attempts += 1
    delivery.last_attempt_at = timezone.now()
    delivery.response_status, delivery.response_body, delivery.error = None, "", ""
    if not webhook.active:
        delivery.error = _("The webhook is turned off.")
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
        delivery.save()
        return delivery
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "kontaktkort-crm",
        "X-CRM-Event": delivery.event,
        "X-CRM-Delivery": str(delivery.pk),
        "X-CRM-Signature": sign(secret=webhook.secret, body=body, timestamp=int(time.time())),
    }
    try:
        answer = send(
            webhook.url,
            method="POST",
            body=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT,
            max_bytes=RESPONSE_KEPT * 4,
        )
    except HttpCallError as error:
        delivery.error = str(error)[:500]
        ok = False
    else:
        delivery.response_status = answer.status
        delivery.response_body = answer.body.decode("utf-8", "replace")[:RESPONSE_KEPT]
        ok = 200 <= answer.status < 300
    if ok:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.DELIVERED, None
    elif delivery.attempts >= max_attempts():
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        delivery.status = DeliveryStatus.RETRYING
        delivery.next_attempt_at = timezone.now() + retry_delay(delivery.attempts)
    with transaction.atomic():
        delivery.save()
        if delivery.status == DeliveryStatus.RETRYING:
            run_after = delivery.next_attempt_at
            transaction.on_commit(lambda: _enqueue([delivery.pk], run_after=run_after))
    return delivery


@transaction.atomic
def delivery_retry(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """An administrator's «Send again»: one more round of attempts, from now."""
    delivery.status, delivery.attempts = DeliveryStatus.PENDING, 0
    delivery.next_attempt_at = None
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    transaction.on_commit(lambda: _enqueue([delivery.pk]))
    return delivery


# Finished deliveries (delivered, or failed for good) are kept this long for the webhook
# page's log, then pruned (``manage.py prune_webhook_deliveries``).
KEEP_FINISHED_DAYS = 30
PRUNE_BATCH = 5_000


def deliveries_prune(*, older_than_days: int = KEEP_FINISHED_DAYS, progress=None) -> int:
    """Delete finished deliveries created more than ``older_than_days`` ago, a batch at a
    time (each its own short transaction, so the log table is never locked for long);
    waiting and retrying ones are never touched. Returns how many went."""
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    finished = WebhookDelivery.objects.filter(
        status__in=[DeliveryStatus.DELIVERED, DeliveryStatus.FAILED], created_at__lt=cutoff
    )
    removed = 0
    while True:
        ids = list(finished.order_by("id").values_list("id", flat=True)[:PRUNE_BATCH])
        if not ids:
            return removed
        with transaction.atomic():
            removed += WebhookDelivery.objects.filter(id__in=ids).delete()[0]
        if progress:
            progress(len(ids))
