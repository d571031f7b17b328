"""Scheduled mail sync on Django's tasks framework (django-tasks-db's DatabaseBackend).

``manage.py sync_mail --schedule`` enqueues :func:`sync_all_mail` once; each run syncs
every account and enqueues the next run ``MAILBOX_SYNC_INTERVAL`` seconds later, unless
one is already waiting. ``manage.py db_worker`` (one or several) runs them; an advisory
lock per account keeps two workers off the same mailbox.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone


@task
def sync_account_mail(account_id: int) -> dict:
    from .models import MailAccount
    from .services.sync import account_sync

    account = MailAccount.objects.filter(pk=account_id).first()
    if account is None:
        return {"account": account_id, "missing": True}
    report = account_sync(account=account)
    return {
        "account": account_id,
        "new": report.new,
        "skipped": report.skipped,
        "errors": report.errors,
    }


@task
def sync_all_mail() -> int:
    """The scheduled mail round: every account's sync, and the outbox's recovery of what a
    stopped worker left waiting (``outbox.outgoing_recover``)."""
    from .models import MailAccount
    from .services.outbox import outgoing_recover

    ids = list(MailAccount.objects.order_by("id").values_list("id", flat=True))
    for account_id in ids:
        sync_account_mail.enqueue(account_id)
    outgoing_recover()
    schedule_next_sync()
    return len(ids)


def pending_sync_exists() -> bool:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=f"{sync_all_mail.module_path}", status="READY"
    ).exists()


def schedule_next_sync(*, now: bool = False) -> bool:
    """Enqueue the next all-accounts sync unless one is already waiting."""
    if pending_sync_exists():
        return False
    delay = 0 if now else settings.MAILBOX_SYNC_INTERVAL
    run_after = timezone.now() + timedelta(seconds=delay)
    transaction.on_commit(lambda: sync_all_mail.using(run_after=run_after).enqueue())
    return True


@task
def send_outgoing_mail(outgoing_id: int, attempt: int) -> dict:
    """One attempt at sending an e-mail written on the card (mailbox/services/outbox.py)."""
    from .services.outbox import outgoing_attempt

    outgoing = outgoing_attempt(outgoing_id=outgoing_id, attempt=attempt)
    if outgoing is None:
        return {"outgoing": outgoing_id, "attempt": attempt, "skipped": True}
    return {"outgoing": outgoing_id, "attempt": attempt, "state": outgoing.state}


# Seconds before a back-fill tries again an account that was busy (its sync running).
BACKFILL_RETRY = 60


@task
def backfill_mail(
    addresses: list[str], account_ids: list[int] | None = None, rescan: bool = False
) -> dict:
    """Collect the mail a sync passed over, now that contacts have these addresses (with
    ``rescan``: any address, after an import; mailbox/services/backfill.py); a busy
    account is tried again a minute later."""
    from .services.backfill import addresses_backfill

    reports = addresses_backfill(addresses=addresses, account_ids=account_ids, rescan=rescan)
    busy = [report.account_id for report in reports if report.busy]
    if busy:
        run_after = timezone.now() + timedelta(seconds=BACKFILL_RETRY)
        backfill_mail.using(run_after=run_after).enqueue(addresses, busy, rescan=rescan)
    return {"accounts": len(reports), "new": sum(r.new for r in reports), "busy": busy}
