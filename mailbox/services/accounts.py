"""A user's IMAP accounts: saving (with the password encrypted), deleting, testing."""

from __future__ import annotations

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
) -> MailAccount:
    """Create or update a user's account; an empty password keeps the stored one.

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
    try:
        outbound.vet(account.host, port)
    except outbound.AddressRefused as error:
        raise ValidationError({"host": str(error)}) from error
    except outbound.HostNotFound:
        pass  # perhaps a passing DNS fault: the test button and the sync will tell
    if password:
        account.password_encrypted = crypto.encrypt(password)
    if not account.password_encrypted:
        raise ValidationError({"password": _("Enter the password of the mail account.")})
    if not account.folders:
        raise ValidationError({"folders": _("Name at least one folder, e.g. INBOX.")})
    account.full_clean()
    account.save()
    if was_linking and not account.link_to_crm:
        _collected_mail_release(account=account)
    if was_linking is False and account.link_to_crm:
        MailFolderState.objects.filter(account=account).update(last_uid=0)
    if account.link_to_crm:
        messages = Message.objects.filter(copies__account=account).distinct()
        linking.messages_link(messages=messages)
    return account


@transaction.atomic
def mail_account_delete(*, account: MailAccount) -> None:
    _collected_mail_release(account=account)
    account.delete()


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
        return False, _("The server refused the user name or password.")
    except Exception:  # after the login: a timeout or a protocol error
        return False, str(not_reached())
    if missing:
        return False, _("Connected, but these folders do not exist: %(folders)s") % {
            "folders": ", ".join(missing)
        }
    return True, _("Connected and logged in. All folders were found.")
