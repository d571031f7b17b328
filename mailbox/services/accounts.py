"""A user's IMAP accounts: saving (with the password encrypted), deleting, testing.
Accounts signed in with OAuth are connected by mailbox.oauth.services."""

from __future__ import annotations

import smtplib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from imap_tools.errors import MailboxLoginError

from crm import outbound
from crm.outbound import OutboundError

from .. import crypto
from ..imap import imap_connect, not_reached
from ..models import MailAccount, Message
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
    login falls back to the IMAP one where its user name or password is left empty."""
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
    if account.link_to_crm:
        messages = Message.objects.filter(copies__account=account).distinct()
        linking.messages_link(messages=messages)
    return account


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
    account.save(update_fields=["folders", "link_to_crm", "updated_at"])
    if account.link_to_crm:
        messages = Message.objects.filter(copies__account=account).distinct()
        linking.messages_link(messages=messages)
    return account


@transaction.atomic
def mail_account_delete(*, account: MailAccount) -> None:
    account.delete()
    # The provider forgets the tokens too, once the account is gone for good here.
    transaction.on_commit(lambda: oauth_tokens_revoke(account=account))


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
