"""The outbox: sending the queued e-mails of the card, one attempt per task.

An attempt (:func:`outgoing_attempt`, from the worker's ``send_outgoing_mail`` task) sends
the message's stored bytes through the account's SMTP server (mailbox/smtp.py), or the
firm's mail server for a relay message, and notes the outcome:

- taken by the server: «sent» (committed before anything else happens, so nothing sends it
  twice), the timeline entry, then a copy APPENDed to the account's Sent folder (a failure
  there is noted beside the message; the mail has left all the same);
- refused for good (SMTP 5xx, a wrong password, TLS refused, an address the guard will not
  reach): «not sent» at once, with the server's reason;
- a passing fault (no connection, a timeout, SMTP 4xx): tried again after
  ``MAILBOX_SEND_RETRY_BASE`` seconds, doubling each time, up to
  ``MAILBOX_SEND_MAX_ATTEMPTS`` attempts; then «not sent» with the last reason.

Each task carries its attempt's number and claims it with one conditional UPDATE, so a
task run twice (or a «Prøv igjen» racing a waiting retry) never sends twice.

A worker that stops (killed, the machine down) must not leave a message «waiting» for
ever: the scheduled mail round (``tasks.sync_all_mail``) calls :func:`outgoing_recover`,
which queues again an attempt whose task never ran and marks «not sent» an attempt cut
off while sending (it may have left, so only the sender may send it again).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import logging
import smtplib
import ssl

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from imap_tools import AND, H
from imap_tools.errors import MailboxLoginError

from crm import outbound
from history.services import history_record

from ..imap import imap_connect
from ..models import OutgoingMail, OutgoingState
from ..smtp import smtp_connect
from .sending import SENT_VERB, relay_allowed

logger = logging.getLogger("mailbox")

# Seconds the worker waits for each answer of the mail server once connected.
SEND_TIMEOUT = 30
# Reasons are shown on the card; a server's long answer is cut.
ERROR_LENGTH = 500
# An attempt claimed this long ago with no outcome was cut off (its worker stopped): a live
# attempt gives up after SEND_TIMEOUT on any answer of the server.
INTERRUPTED_AFTER = dt.timedelta(minutes=30)
# A message whose attempt was due this long ago and never claimed lost its task (a worker
# that stopped between the queue and the claim, or an enqueue that failed).
OVERDUE_AFTER = dt.timedelta(minutes=10)
# Where the sent copy goes when the server marks no folder \Sent (RFC 6154).
SENT_FOLDER_NAMES = ("Sent", "Sendt", "Sent Items", "Sendte elementer", "Sent Messages")


class TemporaryFailure(Exception):
    """Worth another attempt later."""


class PermanentFailure(Exception):
    """Another attempt would get the same answer."""


def max_attempts() -> int:
    return settings.MAILBOX_SEND_MAX_ATTEMPTS


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: base × 2^(attempts − 1)."""
    return dt.timedelta(seconds=settings.MAILBOX_SEND_RETRY_BASE * 2 ** (attempts - 1))


def outgoing_enqueue(*, outgoing: OutgoingMail, run_after: dt.datetime | None = None) -> None:
    """Queue the next attempt of ``outgoing`` once the current transaction commits."""
    from ..tasks import send_outgoing_mail

    pk, attempt = outgoing.pk, outgoing.attempts + 1
    task = send_outgoing_mail.using(run_after=run_after) if run_after else send_outgoing_mail
    transaction.on_commit(lambda: task.enqueue(pk, attempt))


def _reply(error: smtplib.SMTPResponseException) -> str:
    text = error.smtp_error
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{error.smtp_code} {text}".strip()


def _classified(error: BaseException) -> Exception:
    """A :class:`TemporaryFailure` or :class:`PermanentFailure` carrying a reason a user
    can read, for what sending raised."""
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return PermanentFailure(
            _("The mail server refused the user name or password: %(reply)s")
            % {"reply": _reply(error)}
        )
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        replies = "; ".join(
            f"{address}: {code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"
            for address, (code, text) in error.recipients.items()
        )
        reason = _("The mail server refused the recipient: %(reply)s") % {"reply": replies}
        temporary = codes and all(400 <= code < 500 for code in codes)
        return TemporaryFailure(reason) if temporary else PermanentFailure(reason)
    if isinstance(error, smtplib.SMTPResponseException):
        reason = _("The mail server answered: %(reply)s") % {"reply": _reply(error)}
        return (
            TemporaryFailure(reason) if 400 <= error.smtp_code < 500 else PermanentFailure(reason)
        )
    if isinstance(error, outbound.AddressRefused | outbound.CertificateRefused):
        return PermanentFailure(str(error))
    if isinstance(error, outbound.OutboundError):  # not found (perhaps DNS), unreachable
        return TemporaryFailure(str(error))
    if isinstance(error, ssl.SSLError | smtplib.SMTPNotSupportedError):
        return PermanentFailure(
            _("The mail server's encryption did not work: %(error)s")
            % {"error": str(error) or error.__class__.__name__}
        )
    if isinstance(error, OSError | smtplib.SMTPException):  # lost connection, timeout
        return TemporaryFailure(
            _("The connection to the mail server failed: %(error)s")
            % {"error": str(error) or error.__class__.__name__}
        )
    return PermanentFailure(str(error) or error.__class__.__name__)


class _StoredEmail(EmailMessage):
    """The queued bytes as they are, for Django's mailer (the firm relay)."""

    def __init__(self, raw: bytes, *, from_email: str, to: list[str]):
        super().__init__(from_email=from_email, to=to)
        self.raw = raw

    def message(self, *, policy=email.policy.default):
        return email.message_from_bytes(self.raw, policy=policy)


def _deliver(outgoing: OutgoingMail) -> None:
    raw = bytes(outgoing.raw)
    if outgoing.relay:
        if not relay_allowed():  # the administrator may have turned it off since
            raise PermanentFailure(_("Sending through the firm's mail server is turned off."))
        stored = _StoredEmail(raw, from_email=outgoing.from_address, to=outgoing.recipients)
        if mailers.default.send_messages([stored]) != 1:
            raise TemporaryFailure(_("The firm's mail server did not take the message."))
        return
    account = outgoing.account
    if account is None:
        raise PermanentFailure(_("The mail account was removed before the e-mail was sent."))
    if not account.can_send:
        raise PermanentFailure(_("The mail account has no SMTP server."))
    smtp = smtp_connect(account, timeout=SEND_TIMEOUT)
    try:
        smtp.sendmail(outgoing.from_address, outgoing.recipients, raw)
    finally:
        with contextlib.suppress(Exception):
            smtp.quit()


def outgoing_attempt(*, outgoing_id: int, attempt: int) -> OutgoingMail | None:
    """Attempt number ``attempt`` at sending; None when it is not this task's to make
    (already sent, failed, deleted, or that attempt made by another task)."""
    claimed = OutgoingMail.objects.filter(
        pk=outgoing_id, state=OutgoingState.QUEUED, attempts=attempt - 1
    ).update(attempts=attempt, last_attempt_at=timezone.now(), next_attempt_at=None)
    if not claimed:
        return None
    outgoing = (
        OutgoingMail.objects.select_related("account", "message", "created_by")
        .filter(pk=outgoing_id)
        .first()
    )
    if outgoing is None:
        return None
    try:
        try:
            _deliver(outgoing)
        except (TemporaryFailure, PermanentFailure):
            raise
        except Exception as error:
            raise _classified(error) from error
    except TemporaryFailure as failure:
        logger.info("Sending mail %s failed for now: %s", outgoing.pk, failure)
        return _failed(outgoing, str(failure), retry=outgoing.attempts < max_attempts())
    except PermanentFailure as failure:
        logger.info("Sending mail %s failed: %s", outgoing.pk, failure)
        return _failed(outgoing, str(failure), retry=False)
    _sent(outgoing)
    _copy_to_sent_folder(outgoing)
    return outgoing


@transaction.atomic
def _failed(outgoing: OutgoingMail, reason: str, *, retry: bool) -> OutgoingMail:
    outgoing.error = reason[:ERROR_LENGTH]
    if retry:
        outgoing.next_attempt_at = timezone.now() + retry_delay(outgoing.attempts)
        outgoing_enqueue(outgoing=outgoing, run_after=outgoing.next_attempt_at)
    else:
        outgoing.state, outgoing.next_attempt_at = OutgoingState.FAILED, None
    outgoing.save(update_fields=["state", "error", "next_attempt_at"])
    return outgoing


@transaction.atomic
def _sent(outgoing: OutgoingMail) -> None:
    outgoing.state, outgoing.error = OutgoingState.SENT, ""
    outgoing.sent_at = timezone.now()
    outgoing.save(update_fields=["state", "error", "sent_at"])
    history_record(
        contact=outgoing.contact_id,
        verb=SENT_VERB,
        actor=outgoing.created_by,
        data={"subject": outgoing.message.subject},
        target=outgoing.message,
        mail=True,
    )


def sent_folder_name(folders) -> str | None:
    """The Sent folder among imap_tools' FolderInfo list: the one flagged \\Sent, else
    the first of the usual names (any case)."""
    for folder in folders:
        if any(flag.lower() == "\\sent" for flag in folder.flags):
            return folder.name
    by_name = {folder.name.lower(): folder.name for folder in folders}
    for name in SENT_FOLDER_NAMES:
        if name.lower() in by_name:
            return by_name[name.lower()]
    return None


def _already_there(box, folder: str, raw: bytes) -> bool:
    """Whether the server put the message in Sent itself (Gmail keeps what its SMTP
    server sends): found by its Message-ID, so the folder gets no second copy."""
    message_id = email.message_from_bytes(raw, policy=email.policy.default)["Message-ID"]
    if not message_id:
        return False
    box.folder.set(folder)
    return bool(box.uids(AND(header=H("Message-ID", str(message_id).strip()))))


def _copy_to_sent_folder(outgoing: OutgoingMail) -> None:
    """APPEND the sent message to the account's Sent folder (marked as read); a failure
    is noted beside the message, never a reason to send again."""
    account = outgoing.account
    if account is None:
        return
    folder, problem = "", ""
    try:
        with imap_connect(account, timeout=SEND_TIMEOUT) as box:
            folder = sent_folder_name(box.folder.list()) or ""
            if not folder:
                problem = _("The mail account has no Sent folder.")
            elif not _already_there(box, folder, bytes(outgoing.raw)):
                box.append(bytes(outgoing.raw), folder, flag_set=["\\Seen"])
    except outbound.OutboundError as error:
        problem = str(error)
    except MailboxLoginError:
        problem = _("The server refused the user name or password.")
    except Exception as error:
        logger.info("Saving sent mail %s to the Sent folder failed: %s", outgoing.pk, error)
        problem = _("The copy could not be saved in the Sent folder: %(error)s") % {
            "error": str(error) or error.__class__.__name__
        }
    outgoing.sent_folder, outgoing.sent_folder_error = folder if not problem else "", problem
    OutgoingMail.objects.filter(pk=outgoing.pk).update(
        sent_folder=outgoing.sent_folder, sent_folder_error=problem[:ERROR_LENGTH]
    )


@transaction.atomic
def outgoing_retry(*, outgoing: OutgoingMail, user) -> OutgoingMail:
    """«Prøv igjen»: the sender queues a message that was not sent for a new round of
    attempts."""
    locked = OutgoingMail.objects.select_for_update().get(pk=outgoing.pk)
    if locked.created_by_id != user.pk:
        raise ValidationError(_("Only the sender can try again."))
    if locked.state != OutgoingState.FAILED:
        raise ValidationError(_("This e-mail is not waiting to be tried again."))
    locked.state, locked.attempts, locked.error = OutgoingState.QUEUED, 0, ""
    locked.next_attempt_at = None
    locked.save(update_fields=["state", "attempts", "error", "next_attempt_at"])
    outgoing_enqueue(outgoing=locked)
    return locked


def outgoing_recover(*, now: dt.datetime | None = None) -> dict:
    """Messages a stopped worker left «waiting», for the scheduled mail round:

    - an attempt claimed ``INTERRUPTED_AFTER`` ago with no outcome was cut off while
      sending; the server may have taken the message, so it is not sent again unasked: it
      becomes «not sent» with that reason, and the sender decides on «Prøv igjen»;
    - a message whose attempt was due ``OVERDUE_AFTER`` ago (queued, or a retry's time
      come) and never claimed gets that attempt queued again: the claim lets only one
      task send it, should the first still run.

    Returns how many of each: {"interrupted": n, "requeued": n}."""
    now = now or timezone.now()
    waiting = OutgoingMail.objects.filter(state=OutgoingState.QUEUED)
    interrupted = waiting.filter(
        attempts__gt=0, next_attempt_at__isnull=True, last_attempt_at__lt=now - INTERRUPTED_AFTER
    ).update(
        state=OutgoingState.FAILED,
        error=_(
            "Sending was interrupted (the worker stopped), so the e-mail may or may not have "
            "reached the recipient. Check the Sent folder before you try again."
        ),
    )
    overdue = waiting.filter(
        Q(attempts=0, next_attempt_at__isnull=True, created_at__lt=now - OVERDUE_AFTER)
        | Q(attempts__gt=0, next_attempt_at__lt=now - OVERDUE_AFTER)
    ).only("pk", "attempts")
    requeued = 0
    for outgoing in overdue:
        outgoing_enqueue(outgoing=outgoing)
        requeued += 1
    if interrupted or requeued:
        logger.warning(
            "Outbox: %s interrupted attempt(s) marked not sent, %s overdue attempt(s) queued again",
            interrupted,
            requeued,
        )
    return {"interrupted": interrupted, "requeued": requeued}
