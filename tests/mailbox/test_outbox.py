"""Sending from the card as the user: queued after the commit, sent by the worker through
the user's own SMTP server (aiosmtpd on loopback, with a password login), a copy APPENDed
to «Sent» in a real Dovecot, retried on passing faults, failed with the reason on refusals,
and the state on the E-post tab. The firm relay only when the administrator allows it."""

import datetime as dt
import email
import email.policy

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from history.models import Entry
from mailbox.models import MailSendingPolicy, Message, OutgoingMail, OutgoingState
from mailbox.services.accounts import mail_account_save
from mailbox.services.outbox import outgoing_attempt, outgoing_recover, sent_folder_name
from mailbox.services.sending import mail_send
from mailbox.tasks import send_outgoing_mail, sync_all_mail
from tests.contacts.factories import ContactEmailFactory, ContactFactory
from tests.crm.factories import UserFactory
from tests.mailbox.certificates import make_certificates

pytestmark = pytest.mark.django_db

TASK_PATH = "mailbox.tasks.send_outgoing_mail"


@pytest.fixture
def contact(db):
    contact = ContactFactory(first_name="Pat", last_name="Postmann")
    ContactEmailFactory(contact=contact, email="pat@example.no")
    return contact


@pytest.fixture
def sender(db):
    return UserFactory(crm_access=True, first_name="Ola", last_name="Nordmann")


@pytest.fixture
def account(sender, dovecot, imap_user, smtp_login_server):
    """The sender's own account: IMAP on Dovecot, SMTP on aiosmtpd, one login for both."""
    controller, handler = smtp_login_server
    name, password = imap_user
    handler.logins[name] = password
    return mail_account_save(
        user=sender,
        email=f"{name}@firma.no",
        host=dovecot.host,
        port=dovecot.port,
        security="none",
        username=name,
        password=password,
        folders="INBOX, Sent",
        link_to_crm=True,
        smtp_host=controller.hostname,
        smtp_port=controller.port,
        smtp_security="none",
    )


def _run():
    """What ``manage.py db_worker`` does with the send tasks waiting now (whatever their
    ``run_after``): run each once; what they queue waits for the next call."""
    rows = list(DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY"))
    for row in rows:
        row.delete()
        with TestCase.captureOnCommitCallbacks(execute=True):
            send_outgoing_mail.call(*row.args_kwargs["args"])
    return len(rows)


def _send(sender, contact, *, subject="Avtale", body="Hei Pat"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return mail_send(
            user=sender, contact=contact, to="pat@example.no", subject=subject, body=body
        )


def _tab(client, contact) -> str:
    return client.get(
        reverse("contacts:tab", args=[contact.pk, "email"]), headers={"HX-Request": "true"}
    ).content.decode()


def _row(html: str) -> str:
    """The tab's first message row."""
    return html.split('data-testid="mail-row"', 1)[1].split("</tr>", 1)[0]


# --- the whole way ------------------------------------------------------------------------


def test_the_message_is_linked_and_queued_at_once_and_shows_as_waiting(
    client, sender, contact, account, smtp_login_server
):
    _controller, handler = smtp_login_server
    client.force_login(sender)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("mailbox:compose", args=[contact.pk]),
            {"to": "pat@example.no", "subject": "Avtale", "body": "Hei Pat"},
        )
    assert response.status_code == 302
    message = Message.objects.get(subject="Avtale")
    assert message.links.get().contact == contact
    outgoing = message.outgoing
    assert (outgoing.state, outgoing.account, outgoing.relay) == ("queued", account, False)
    assert DBTaskResult.objects.get(task_path=TASK_PATH).args_kwargs["args"] == [outgoing.pk, 1]
    assert handler.messages == []  # nothing left before the worker ran
    html = _tab(client, contact)
    assert 'data-state="queued"' in html
    assert "Venter på sending" in html
    # Never «Sendt» before it was sent: the history says nothing yet either.
    assert "Sendt" not in _row(html)
    assert not Entry.objects.filter(verb="mailbox.sent").exists()


def test_the_worker_sends_as_the_user_and_saves_a_copy_in_sent(
    sender, contact, account, smtp_login_server, dovecot, imap_user
):
    _controller, handler = smtp_login_server
    message = _send(sender, contact)
    assert _run() == 1
    [(login, envelope)] = handler.messages
    assert login == imap_user[0]  # the IMAP login, for SMTP too
    assert envelope.mail_from == account.email
    assert envelope.rcpt_tos == ["pat@example.no"]
    received = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert received["From"].addresses[0].addr_spec == account.email
    assert received["From"].addresses[0].display_name == "Ola Nordmann"
    assert received["Message-ID"].strip("<>") == message.message_id.strip("<>")
    outgoing = OutgoingMail.objects.get()
    assert outgoing.state == OutgoingState.SENT
    assert outgoing.sent_at is not None and outgoing.attempts == 1
    assert outgoing.sent_folder == "Sent" and outgoing.sent_folder_error == ""
    entry = Entry.objects.get(verb="mailbox.sent")
    assert (entry.contact_id, entry.actor_id) == (contact.pk, sender.pk)
    with dovecot.mailbox(imap_user[0]) as box:
        box.folder.set("Sent")
        [copy] = list(box.fetch(mark_seen=False))
    assert copy.subject == "Avtale"
    assert copy.from_ == account.email
    assert "\\Seen" in copy.flags
    assert copy.headers["message-id"][0].strip() == received["Message-ID"]


def test_no_second_copy_when_the_server_keeps_sent_mail_itself(
    sender, contact, account, smtp_login_server, dovecot, imap_user
):
    """Gmail's SMTP server files what it sends in Sent: the APPEND then finds it there."""
    _controller, handler = smtp_login_server
    handler.on_data = lambda envelope: dovecot.append(
        imap_user[0], envelope.original_content, folder="Sent"
    )
    _send(sender, contact)
    _run()
    with dovecot.mailbox(imap_user[0]) as box:
        box.folder.set("Sent")
        assert len(box.uids()) == 1
    outgoing = OutgoingMail.objects.get()
    assert outgoing.sent_folder == "Sent" and outgoing.state == OutgoingState.SENT


def test_the_tab_shows_a_sent_message_as_sent(client, sender, contact, account):
    _send(sender, contact)
    _run()
    client.force_login(sender)
    row = _row(_tab(client, contact))
    assert "data-state" not in row
    assert "Sendt" in row


def test_the_task_worker_sends_with_the_real_database_backend(
    transactional_db, sender, contact, account, smtp_login_server
):
    """End to end: the request's commit, ``manage.py db_worker``, the mail server."""
    _controller, handler = smtp_login_server
    mail_send(user=sender, contact=contact, to="pat@example.no", subject="Worker", body="x")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert len(handler.messages) == 1
    assert OutgoingMail.objects.get().state == OutgoingState.SENT


def test_a_rollback_after_queueing_sends_nothing(
    transactional_db, sender, contact, account, smtp_login_server
):
    _controller, handler = smtp_login_server
    with pytest.raises(RuntimeError), transaction.atomic(durable=True):
        mail_send(user=sender, contact=contact, to="pat@example.no", subject="Angret", body="x")
        assert not DBTaskResult.objects.exists()  # queued only when the commit comes
        raise RuntimeError("the request failed after queueing")
    assert not DBTaskResult.objects.exists()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert handler.messages == []
    assert not OutgoingMail.objects.exists()
    assert not Message.objects.filter(subject="Angret").exists()


def test_an_attempt_run_twice_sends_once(sender, contact, account, smtp_login_server):
    _controller, handler = smtp_login_server
    outgoing = _send(sender, contact).outgoing
    assert outgoing_attempt(outgoing_id=outgoing.pk, attempt=1) is not None
    assert outgoing_attempt(outgoing_id=outgoing.pk, attempt=1) is None
    assert len(handler.messages) == 1


# --- failures -----------------------------------------------------------------------------


def test_a_temporary_refusal_is_retried_with_back_off_and_then_sent(
    client, settings, sender, contact, account, smtp_login_server
):
    settings.MAILBOX_SEND_RETRY_BASE = 60
    _controller, handler = smtp_login_server
    handler.rcpt_replies = ["451 4.7.1 Greylisted, try again later"]
    _send(sender, contact)
    before = timezone.now()
    _run()
    outgoing = OutgoingMail.objects.get()
    assert (outgoing.state, outgoing.attempts) == (OutgoingState.QUEUED, 1)
    assert "451" in outgoing.error and "Greylisted" in outgoing.error
    retry = DBTaskResult.objects.get(task_path=TASK_PATH, status="READY")
    assert retry.args_kwargs["args"] == [outgoing.pk, 2]
    assert dt.timedelta(seconds=59) < retry.run_after - before < dt.timedelta(seconds=65)
    client.force_login(sender)
    html = _tab(client, contact)
    assert 'data-state="queued"' in html and "Greylisted" in html
    assert handler.messages == []
    _run()
    outgoing.refresh_from_db()
    assert (outgoing.state, outgoing.attempts, outgoing.error) == (OutgoingState.SENT, 2, "")
    assert len(handler.messages) == 1


def test_a_mail_server_that_does_not_answer_is_retried_until_the_last_attempt(
    settings, sender, contact, account
):
    from tests.mailbox.dovecot import free_port

    settings.MAILBOX_SEND_MAX_ATTEMPTS, settings.MAILBOX_SEND_RETRY_BASE = 3, 10
    account.smtp_port = free_port()  # nothing listens there
    account.save()
    _send(sender, contact)
    waits = []
    for _attempt in range(3):
        before = timezone.now()
        _run()
        waiting = DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").first()
        if waiting:
            waits.append(round((waiting.run_after - before).total_seconds()))
    assert waits == [10, 20]
    outgoing = OutgoingMail.objects.get()
    assert (outgoing.state, outgoing.attempts) == (OutgoingState.FAILED, 3)
    assert "Fikk ikke kontakt med serveren" in outgoing.error


def test_a_permanent_refusal_fails_at_once_with_the_reason_on_the_tab(
    client, sender, contact, account, smtp_login_server
):
    _controller, handler = smtp_login_server
    handler.rcpt_replies = ["550 5.1.1 <pat@example.no>: Recipient address rejected"]
    _send(sender, contact)
    _run()
    outgoing = OutgoingMail.objects.get()
    assert (outgoing.state, outgoing.attempts) == (OutgoingState.FAILED, 1)
    assert "550" in outgoing.error and "Recipient address rejected" in outgoing.error
    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert not Entry.objects.filter(verb="mailbox.sent").exists()
    client.force_login(sender)
    html = _tab(client, contact)
    assert 'data-state="failed"' in html and "Ikke sendt" in html
    assert "Recipient address rejected" in html
    assert reverse("mailbox:outgoing_retry", args=[contact.pk, outgoing.pk]) in html


def test_a_wrong_password_fails_at_once(sender, contact, account, smtp_login_server):
    _controller, handler = smtp_login_server
    handler.logins[account.username] = "another password"
    _send(sender, contact)
    _run()
    outgoing = OutgoingMail.objects.get()
    assert outgoing.state == OutgoingState.FAILED, outgoing.error
    assert "535" in outgoing.error
    assert handler.messages == []


def test_try_again_sends_a_failed_message(client, sender, contact, account, smtp_login_server):
    _controller, handler = smtp_login_server
    handler.rcpt_replies = ["554 5.7.1 Policy rejection"]
    _send(sender, contact)
    _run()
    outgoing = OutgoingMail.objects.get()
    client.force_login(sender)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("mailbox:outgoing_retry", args=[contact.pk, outgoing.pk]))
    assert response.status_code == 302
    outgoing.refresh_from_db()
    assert (outgoing.state, outgoing.attempts, outgoing.error) == ("queued", 0, "")
    _run()
    outgoing.refresh_from_db()
    assert outgoing.state == OutgoingState.SENT
    assert len(handler.messages) == 1


# --- a worker that stops ------------------------------------------------------------------


def _claimed(outgoing, *, minutes_ago):
    """What a worker leaves when it stops after claiming attempt 1 (the claim's own
    UPDATE), ``minutes_ago``."""
    OutgoingMail.objects.filter(pk=outgoing.pk).update(
        attempts=1, last_attempt_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )
    DBTaskResult.objects.filter(task_path=TASK_PATH).delete()  # the task ran (and died)


def _recover():
    """The scheduled round's recovery; what it queues goes in at its commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return outgoing_recover()


def test_an_attempt_cut_off_by_a_stopped_worker_becomes_not_sent_for_the_sender_to_decide(
    client, sender, contact, account, smtp_login_server
):
    _controller, handler = smtp_login_server
    outgoing = _send(sender, contact).outgoing
    _claimed(outgoing, minutes_ago=31)
    assert _recover() == {"interrupted": 1, "requeued": 0}
    outgoing.refresh_from_db()
    assert outgoing.state == OutgoingState.FAILED
    assert "avbrutt" in outgoing.error  # it may have left: never sent again unasked
    assert not DBTaskResult.objects.filter(task_path=TASK_PATH).exists()
    client.force_login(sender)
    row = _row(_tab(client, contact))
    assert "Ikke sendt" in row and "Sendt-mappen" in row
    assert reverse("mailbox:outgoing_retry", args=[contact.pk, outgoing.pk]) in row
    assert handler.messages == []


def test_an_attempt_still_within_its_time_is_left_to_its_worker(
    sender, contact, account, smtp_login_server
):
    outgoing = _send(sender, contact).outgoing
    _claimed(outgoing, minutes_ago=5)
    assert _recover() == {"interrupted": 0, "requeued": 0}
    outgoing.refresh_from_db()
    assert (outgoing.state, outgoing.attempts) == (OutgoingState.QUEUED, 1)


def test_a_message_whose_task_was_lost_is_queued_again_and_sent_once(
    sender, contact, account, smtp_login_server
):
    _controller, handler = smtp_login_server
    outgoing = _send(sender, contact).outgoing
    OutgoingMail.objects.filter(pk=outgoing.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=11)
    )
    # The first task is still there (a busy queue, not a lost task) and the round comes
    # twice: three tasks for attempt 1, one e-mail.
    assert _recover() == {"interrupted": 0, "requeued": 1}
    with TestCase.captureOnCommitCallbacks(execute=True):
        sync_all_mail.call()
    tasks = DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY")
    assert [row.args_kwargs["args"] for row in tasks] == [[outgoing.pk, 1]] * 3
    _run()
    outgoing.refresh_from_db()
    assert outgoing.state == OutgoingState.SENT
    assert len(handler.messages) == 1


def test_a_fresh_message_waits_for_its_own_task(sender, contact, account, smtp_login_server):
    _send(sender, contact)
    assert _recover() == {"interrupted": 0, "requeued": 0}


def test_a_retry_whose_task_was_lost_is_queued_again_when_overdue(
    settings, sender, contact, account, smtp_login_server
):
    _controller, handler = smtp_login_server
    handler.rcpt_replies = ["451 4.7.1 Greylisted, try again later"]
    outgoing = _send(sender, contact).outgoing
    _run()
    DBTaskResult.objects.filter(task_path=TASK_PATH).delete()  # the retry's task is lost
    OutgoingMail.objects.filter(pk=outgoing.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(minutes=11)
    )
    assert _recover() == {"interrupted": 0, "requeued": 1}
    assert DBTaskResult.objects.get(task_path=TASK_PATH).args_kwargs["args"] == [outgoing.pk, 2]
    _run()
    outgoing.refresh_from_db()
    assert (outgoing.state, outgoing.attempts) == (OutgoingState.SENT, 2)
    assert len(handler.messages) == 1


def test_the_guard_refuses_a_mail_server_that_now_points_inward(
    settings, sender, contact, account, smtp_login_server
):
    _controller, handler = smtp_login_server
    _send(sender, contact)
    settings.OUTBOUND_ALLOWED_HOSTS = []
    _run()
    outgoing = OutgoingMail.objects.get()
    assert outgoing.state == OutgoingState.FAILED
    assert "127.0.0.1" in outgoing.error
    assert handler.messages == []


def test_an_smtp_server_inside_the_network_cannot_be_saved(settings, sender):
    from django.core.exceptions import ValidationError

    settings.OUTBOUND_ALLOWED_HOSTS = []
    with pytest.raises(ValidationError) as refused:
        mail_account_save(
            user=sender,
            email="ola@firma.no",
            host="imap.example.com",
            port=993,
            security="ssl",
            username="ola",
            password="pw",
            folders="INBOX",
            link_to_crm=True,
            smtp_host="127.0.0.1",
            smtp_port=25,
        )
    assert "smtp_host" in refused.value.error_dict


def test_the_sent_folder_is_found_by_its_flag_then_by_name():
    from imap_tools.folder import FolderInfo

    flagged = [FolderInfo("INBOX", "/", ()), FolderInfo("Elementer sendt", "/", ("\\Sent",))]
    assert sent_folder_name(flagged) == "Elementer sendt"
    named = [FolderInfo("INBOX", "/", ()), FolderInfo("Sendt", "/", ())]
    assert sent_folder_name(named) == "Sendt"
    assert sent_folder_name([FolderInfo("INBOX", "/", ())]) is None


# --- no account: the firm relay, when allowed ---------------------------------------------


def test_without_an_account_the_form_asks_to_link_one(client, sender, contact):
    client.force_login(sender)
    page = client.get(reverse("mailbox:compose", args=[contact.pk])).content.decode()
    assert 'data-testid="compose-needs-account"' in page
    assert reverse("mailbox:account_list") in page
    assert 'name="subject"' not in page
    response = client.post(
        reverse("mailbox:compose", args=[contact.pk]),
        {"to": "pat@example.no", "subject": "Avtale", "body": "Hei"},
    )
    assert response.status_code == 400
    assert not OutgoingMail.objects.exists() and not DBTaskResult.objects.exists()


def test_an_account_without_smtp_server_does_not_send(client, sender, contact):
    mail_account_save(
        user=sender,
        email="ola@firma.no",
        host="127.0.0.1",
        port=143,
        security="none",
        username="ola",
        password="x",
        folders="INBOX",
        link_to_crm=True,
    )
    client.force_login(sender)
    page = client.get(reverse("mailbox:compose", args=[contact.pk])).content.decode()
    assert 'data-testid="compose-needs-account"' in page


def test_the_firm_relay_sends_for_users_without_an_account_when_allowed(
    client, sender, contact, settings
):
    settings.DEFAULT_FROM_EMAIL = "crm@firma.no"
    MailSendingPolicy.objects.create(pk=1, relay_allowed=True)
    client.force_login(sender)
    page = client.get(reverse("mailbox:compose", args=[contact.pk])).content.decode()
    assert 'data-testid="compose-route"' in page
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            reverse("mailbox:compose", args=[contact.pk]),
            {"to": "pat@example.no", "subject": "Via firma", "body": "Hei"},
        )
    assert mail.outbox == []
    _run()
    [sent] = mail.outbox
    assert sent.from_email == "crm@firma.no" and sent.to == ["pat@example.no"]
    parsed = sent.message()
    assert parsed["From"].addresses[0].addr_spec == "crm@firma.no"
    assert parsed["Reply-To"].addresses[0].addr_spec == sender.email
    outgoing = OutgoingMail.objects.get()
    assert (outgoing.state, outgoing.relay, outgoing.sent_folder) == ("sent", True, "")


def test_a_relay_message_is_not_sent_once_the_administrator_turns_the_relay_off(sender, contact):
    MailSendingPolicy.objects.create(pk=1, relay_allowed=True)
    _send(sender, contact)
    MailSendingPolicy.objects.filter(pk=1).update(relay_allowed=False)
    _run()
    assert mail.outbox == []
    assert OutgoingMail.objects.get().state == OutgoingState.FAILED


def test_an_administrator_sets_the_relay_rule_on_the_accounts_page(client, firm_admin, staff):
    url = reverse("mailbox:sending_policy")
    client.force_login(staff)
    assert client.post(url, {"relay_allowed": "on"}).status_code == 403
    assert (
        'name="relay_allowed"' not in client.get(reverse("mailbox:account_list")).content.decode()
    )
    client.force_login(firm_admin)
    assert 'name="relay_allowed"' in client.get(reverse("mailbox:account_list")).content.decode()
    assert client.post(url, {"relay_allowed": "on"}).status_code == 302
    assert MailSendingPolicy.objects.get().relay_allowed
    client.post(url, {})
    assert not MailSendingPolicy.objects.get().relay_allowed


# --- access -------------------------------------------------------------------------------


@pytest.fixture
def failed(sender, contact, account, smtp_login_server):
    _controller, handler = smtp_login_server
    handler.rcpt_replies = ["550 5.1.1 No such user"]
    _send(sender, contact)
    _run()
    return OutgoingMail.objects.get()


def test_try_again_is_refused_to_anonymous_users_and_without_crm_access(
    client, failed, contact, no_access_user
):
    url = reverse("mailbox:outgoing_retry", args=[contact.pk, failed.pk])
    response = client.post(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    client.force_login(no_access_user)
    assert client.post(url).status_code == 403
    failed.refresh_from_db()
    assert failed.state == OutgoingState.FAILED


def test_try_again_on_another_users_message_or_card_is_404(
    client, failed, contact, other_staff, sender
):
    client.force_login(other_staff)
    assert (
        client.post(reverse("mailbox:outgoing_retry", args=[contact.pk, failed.pk])).status_code
        == 404
    )
    assert "Prøv igjen" not in _tab(client, contact)
    client.force_login(sender)
    other_card = ContactFactory()
    assert (
        client.post(reverse("mailbox:outgoing_retry", args=[other_card.pk, failed.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("mailbox:outgoing_retry", args=[contact.pk, failed.pk])).status_code
        == 405
    )
    failed.refresh_from_db()
    assert failed.state == OutgoingState.FAILED


def test_try_again_on_a_locked_contact_is_404_for_staff(client, failed, contact, sender):
    contact.email_locked = True
    contact.save(update_fields=["email_locked"])
    client.force_login(sender)
    assert (
        client.post(reverse("mailbox:outgoing_retry", args=[contact.pk, failed.pk])).status_code
        == 404
    )


# --- query budget -------------------------------------------------------------------------


def test_the_tab_query_count_does_not_grow_with_outgoing_messages(
    client, sender, contact, account, smtp_login_server, django_assert_max_num_queries
):
    _controller, handler = smtp_login_server
    handler.rcpt_replies = ["550 5.1.1 No such user"] * 3 + ["451 4.7.1 Later"] * 3
    for n in range(12):
        _send(sender, contact, subject=f"Melding {n}")
    _run()  # 3 failed, 3 waiting for a retry, 6 sent
    states = sorted(OutgoingMail.objects.values_list("state", flat=True))
    assert states.count("failed") == 3 and states.count("queued") == 3
    client.force_login(sender)
    with django_assert_max_num_queries(8):  # 5 measured, for 1 row as for 25
        html = _tab(client, contact)
    assert html.count('data-testid="mail-row"') == 12


# --- the account form ---------------------------------------------------------------------

FORM = {
    "email": "ola@firma.no",
    "host": "imap.firma.no",
    "port": "993",
    "security": "ssl",
    "username": "ola",
    "password": "imap-passord",
    "folders": "INBOX, Sent",
    "link_to_crm": "on",
    "smtp_host": "smtp.firma.no",
    "smtp_port": "465",
    "smtp_security": "ssl",
    "save": "1",
}


def test_the_account_form_takes_the_smtp_server_and_uses_the_imap_login_by_default(client, sender):
    client.force_login(sender)
    page = client.get(reverse("mailbox:account_create")).content.decode()
    assert 'name="smtp_host"' in page and "SMTP-server" in page
    assert client.post(reverse("mailbox:account_create"), FORM).status_code == 302
    account = sender.mail_accounts.get()
    assert (account.smtp_host, account.smtp_port, account.smtp_security) == (
        "smtp.firma.no",
        465,
        "ssl",
    )
    assert account.smtp_login_name() == "ola"
    assert account.smtp_password() == "imap-passord"
    assert account.smtp_password_encrypted == ""


def test_an_smtp_login_of_its_own_is_kept_encrypted(client, sender):
    client.force_login(sender)
    data = FORM | {"smtp_username": "ola@firma.no", "smtp_password": "app-passord"}
    assert client.post(reverse("mailbox:account_create"), data).status_code == 302
    account = sender.mail_accounts.get()
    assert "app-passord" not in account.smtp_password_encrypted
    assert (account.smtp_login_name(), account.smtp_password()) == ("ola@firma.no", "app-passord")
    # Saved again without a password: the SMTP password stays.
    url = reverse("mailbox:account_update", args=[account.pk])
    assert client.post(url, data | {"password": "", "smtp_password": ""}).status_code == 302
    account.refresh_from_db()
    assert account.smtp_password() == "app-passord"


def test_test_connection_signs_in_to_the_smtp_server_too(
    client, sender, account, smtp_login_server
):
    _controller, handler = smtp_login_server
    client.force_login(sender)
    url = reverse("mailbox:account_test", args=[account.pk])
    page = client.get(client.post(url)["Location"]).content.decode()
    assert "for lesing og sending" in page
    handler.logins[account.username] = "endret"
    page = client.get(client.post(url)["Location"]).content.decode()
    assert "SMTP-serveren godtok ikke brukernavnet eller passordet" in page


# --- encryption: STARTTLS and SSL/TLS, the certificate checked -----------------------------


@pytest.fixture
def certificate(tmp_path, settings):
    """A certificate for 127.0.0.1 from a throwaway authority that the CRM is told to
    trust (OUTBOUND_CA_FILE); (cert path, key path)."""
    made = make_certificates(tmp_path, names=["127.0.0.1"])
    settings.OUTBOUND_CA_FILE = str(made.ca)
    return made.cert, made.key


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_the_mail_goes_out_encrypted_with_the_certificate_checked(
    security, certificate, sender, contact, account, settings
):
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    from tests.mailbox.dovecot import free_port

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            encrypted = session.ssl is not None or server.transport.get_extra_info("sslcontext")
            received.append((bool(encrypted), session.auth_data, envelope))
            return "250 OK"

    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(*certificate)
    if security == "ssl":
        # aiosmtpd offers AUTH on implicit TLS only when told TLS is not required (it
        # counts STARTTLS alone as TLS); the connection is encrypted all the same.
        tls = {"ssl_context": server_context, "auth_require_tls": False}
    else:
        tls = {"tls_context": server_context}

    def authenticate(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=True, auth_data=auth_data.login.decode())

    controller = Controller(
        Handler(), hostname="127.0.0.1", port=free_port(), authenticator=authenticate, **tls
    )
    controller.start()
    try:
        account.smtp_port, account.smtp_security = controller.port, security
        account.save()
        _send(sender, contact)
        _run()
        outgoing = OutgoingMail.objects.get()
        assert outgoing.state == OutgoingState.SENT, outgoing.error
        [(encrypted, login, envelope)] = received
        assert encrypted and login == account.username
        assert envelope.rcpt_tos == ["pat@example.no"]
        # A certificate this process does not trust: refused for good, nothing sent.
        settings.OUTBOUND_CA_FILE = ""
        _send(sender, contact, subject="Uten tillit")
        _run()
        refused = OutgoingMail.objects.get(message__subject="Uten tillit")
        assert refused.state == OutgoingState.FAILED
        assert "sertifikatet til 127.0.0.1 kunne ikke bekreftes" in refused.error.lower()
        assert len(received) == 1
    finally:
        controller.stop()
