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


# Seconds before a back-fill tries again an account that was busy (its sync running), and
# before it first tries again one it could not reach or read (doubling each time after).
BACKFILL_RETRY = 60
# Runs of a back-fill for an account that fails (the server down, the password changed):
# the last retry comes about an hour after the first run.
BACKFILL_ATTEMPTS = 7


@task
def backfill_mail(
    addresses: list[str],
    account_ids: list[int] | None = None,
    rescan: bool = False,
    attempt: int = 1,
) -> dict:
    """Collect the mail a sync passed over, now that contacts have these addresses (with
    ``rescan``: any address, after an import; mailbox/services/backfill.py). A busy
    account is tried again a minute later; one that failed (unreachable, refused) after 1,
    2, 4 … minutes, ``BACKFILL_ATTEMPTS`` runs in all: what it stores is deduplicated, so
    a run cut off half-way is simply done again."""
    from .services.backfill import addresses_backfill

    reports = addresses_backfill(addresses=addresses, account_ids=account_ids, rescan=rescan)
    busy = [report.account_id for report in reports if report.busy]
    failed = [report.account_id for report in reports if report.failure and not report.busy]
    now = timezone.now()
    if busy:
        run_after = now + timedelta(seconds=BACKFILL_RETRY)
        backfill_mail.using(run_after=run_after).enqueue(
            addresses, busy, rescan=rescan, attempt=attempt
        )
    if failed and attempt < BACKFILL_ATTEMPTS:
        run_after = now + timedelta(seconds=BACKFILL_RETRY * 2 ** (attempt - 1))
        backfill_mail.using(run_after=run_after).enqueue(
            addresses, failed, rescan=rescan, attempt=attempt + 1
        )
    return {
        "accounts": len(reports),
        "new": sum(r.new for r in reports),
        "busy": busy,
        "failed": failed,
    }
