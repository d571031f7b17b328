"""A user's IMAP accounts: saving (with the password encrypted), deleting, testing.
Accounts signed in with OAuth are connected by mailbox.oauth.services."""

from __future__ import annotations

import smtplib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from imap_tools.errors import MailboxLoginError

from crm import outbound
from crm.outbound import OutboundError
from files.services import files_release

from .. import crypto
from ..imap import imap_connect, not_reached
from ..models import (
    MailAccount,
    MailFolderState,
    Message,
    MessageAttachment,
    MessageContact,
    MessageCopy,
)
from ..oauth.services import oauth_tokens_revoke
from ..smtp import smtp_connect
from . import linking

# Seconds «Lagre og test» waits for each answer once connected: a worker is held that long.
TEST_TIMEOUT = 10


@transaction.atomic
def mail_account_save(
    *,
    user,
    account: MailAccount | None = None,
    email: str,
    host: str,
    port: int,
    security: str,
    username: str,
    password: str = "",
    folders: str,
    link_to_crm: bool,
    smtp_host: str = "",
    smtp_port: int = 587,
    smtp_security: str = "starttls",
    smtp_username: str = "",
    smtp_password: str = "",
) -> MailAccount:
    """Create or update a user's account; an empty password keeps the stored one. The SMTP
    login falls back to the IMAP one where its user name or password is left empty.

    Switching «Link e-mail to the CRM» off lets go of the account's mail (see
    :func:`_collected_mail_release`); switching it on again reads its folders from the
    start at the next sync (headers first: only mail with a contact's address is
    fetched), so what came meanwhile is collected too."""
    was_linking = (
        MailAccount.objects.filter(pk=account.pk).values_list("link_to_crm", flat=True).first()
        if account and account.pk
        else None
    )
    account = account or MailAccount(user=user)
    account.email, account.host, account.port = email.strip(), host.strip(), port
    account.security, account.username = security, username.strip()
    account.folders = ", ".join(n.strip() for n in folders.split(",") if n.strip())
    account.link_to_crm = link_to_crm
    account.smtp_host, account.smtp_port = smtp_host.strip(), smtp_port
    account.smtp_security, account.smtp_username = smtp_security, smtp_username.strip()
    for field, host, host_port in (
        ("host", account.host, port),
        ("smtp_host", account.smtp_host, smtp_port),
    ):
        if not host:
            continue
        try:
            outbound.vet(host, host_port)
        except outbound.AddressRefused as error:
            raise ValidationError({field: str(error)}) from error
        except outbound.HostNotFound:
            pass  # perhaps a passing DNS fault: the test button and the sync will tell
    if smtp_password:
        account.smtp_password_encrypted = crypto.encrypt(smtp_password)
    if password:
        account.password_encrypted = crypto.encrypt(password)
    if not account.password_encrypted:
        raise ValidationError({"password": _("Enter the password of the mail account.")})
    if not account.folders:
        raise ValidationError({"folders": _("Name at least one folder, e.g. INBOX.")})
    account.full_clean()
    account.save()
    _linking_switched(account=account, was_linking=was_linking)
    return account


def _linking_switched(*, account: MailAccount, was_linking: bool | None) -> None:
    """What «Link e-mail to the CRM» switched off or on does to the account's mail."""
    if was_linking and not account.link_to_crm:
        _collected_mail_release(account=account)
    if was_linking is False and account.link_to_crm:
        MailFolderState.objects.filter(account=account).update(last_uid=0)
    if account.link_to_crm:
        messages = Message.objects.filter(copies__account=account).distinct()
        linking.messages_link(messages=messages)


@transaction.atomic
def mail_account_options_save(
    *, account: MailAccount, folders: str, link_to_crm: bool
) -> MailAccount:
    """What the CRM does with an OAuth account's mail (its server and login come from
    the provider)."""
    account.folders = ", ".join(n.strip() for n in folders.split(",") if n.strip())
    account.link_to_crm = link_to_crm
    if not account.folders:
        raise ValidationError({"folders": _("Name at least one folder, e.g. INBOX.")})
    account.full_clean()
    was_linking = (
        MailAccount.objects.filter(pk=account.pk).values_list("link_to_crm", flat=True).first()
    )
    account.save(update_fields=["folders", "link_to_crm", "updated_at"])
    _linking_switched(account=account, was_linking=was_linking)
    return account


@transaction.atomic
def mail_account_delete(*, account: MailAccount) -> None:
    _collected_mail_release(account=account)
    account.delete()
    # The provider forgets the tokens too, once the account is gone for good here.
    transaction.on_commit(lambda: oauth_tokens_revoke(account=account))


def _collected_mail_release(*, account: MailAccount) -> int:
    """Forget where the account's mail was seen; the messages it alone kept (in no
    linking account's folders, linked to no contact) go, with the attachments' files
    nothing else refers to. Mail linked to contacts stays on their cards, as sent mail
    does. Returns how many messages went."""
    seen = MessageCopy.objects.filter(account=account)
    message_ids = list(seen.values_list("message_id", flat=True))
    seen.delete()
    alone = (
        Message.objects.filter(pk__in=message_ids)
        .exclude(
            Exists(MessageCopy.objects.filter(message=OuterRef("pk"), account__link_to_crm=True))
        )
        .exclude(Exists(MessageContact.objects.filter(message=OuterRef("pk"))))
    )
    alone_ids = list(alone.values_list("pk", flat=True))
    file_ids = list(
        MessageAttachment.objects.filter(message_id__in=alone_ids).values_list(
            "file_id", flat=True
        )
    )
    Message.objects.filter(pk__in=alone_ids).delete()
    files_release(file_ids=file_ids)
    return len(alone_ids)


def mail_account_test(*, account: MailAccount) -> tuple[bool, str]:
    """Try to log in and select the folders: (ok, a message a user understands)."""
    try:
        with imap_connect(account, timeout=TEST_TIMEOUT) as box:
            missing = [name for name in account.folder_list() if not box.folder.exists(name)]
    except OutboundError as error:
        return False, str(error)
    except MailboxLoginError:
        if account.uses_oauth:
            return False, _("The mail server refused the sign-in. Connect the account again.")
        return False, _("The server refused the user name or password.")
    except Exception:  # after the login: a timeout or a protocol error
        return False, str(not_reached())
    if missing:
        return False, _("Connected, but these folders do not exist: %(folders)s") % {
            "folders": ", ".join(missing)
        }
    if account.can_send:
        problem = _smtp_problem(account)
        if problem:
            return False, problem
        return True, _("Connected and logged in, for reading and sending. All folders were found.")
    return True, _("Connected and logged in. All folders were found.")


def _smtp_problem(account: MailAccount) -> str:
    """Why the account's SMTP server would not send for it, or "" when it signs in."""
    try:
        smtp_connect(account, timeout=TEST_TIMEOUT).quit()
    except OutboundError as error:
        return _("SMTP: %(error)s") % {"error": error}
    except smtplib.SMTPAuthenticationError:
        return _("The SMTP server refused the user name or password.")
    except Exception:  # refused, timeout, TLS, not SMTP
        return _("Could not reach the SMTP server. Check the host name, port and encryption.")
    return ""
