import time

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from history.models import Entry
from mailbox.models import MailAccount, Message
from mailbox.services.accounts import mail_account_save
from mailbox.services.email_lock import contact_email_lock
from mailbox.services.storing import raw_message_store
from tests.conftest import was_contacted
from tests.contacts.factories import ContactEmailFactory, ContactFactory
from tests.mailbox.conftest import raw_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(staff):
    """A contact with one linked, received message that has an attachment."""
    from email.message import EmailMessage

    contact = ContactFactory(last_name="Postmann")
    ContactEmailFactory(contact=contact, email="pat@example.no")
    account = mail_account_save(
        user=staff,
        email="ola@firma.no",
        host="127.0.0.1",
        port=143,
        security="none",
        username="ola",
        password="x",
        folders="INBOX",
        link_to_crm=True,
    )
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "Pat <pat@example.no>", "ola@firma.no", "Hemmelig"
    msg["Message-ID"] = "<secret@example.no>"
    msg["Date"] = "Mon, 23 Nov 2026 09:00:00 +0100"
    msg.set_content("Brødtekst")
    msg.add_alternative("<p>HTML-tekst<script>x()</script></p>", subtype="html")
    msg.add_attachment(b"PDFDATA", "application", "pdf", filename="kontrakt.pdf")
    message = raw_message_store(raw=msg.as_bytes(), account=account, folder="INBOX", uid=1).message
    return contact, message


def _urls(contact, message):
    return {
        "tab": reverse("contacts:tab", args=[contact.pk, "email"]),
        "detail": reverse("mailbox:detail", args=[contact.pk, message.pk]),
        "body": reverse("mailbox:body", args=[message.pk]),
        "attachment": reverse("files:download", args=[message.attachments.get().file_id]),
    }


def test_tab_lists_messages_newest_first_with_marker(client, staff, linked):
    contact, message = linked
    raw_message_store(
        raw=raw_mail(
            subject="Nyere", sender="pat@example.no", date="Wed, 25 Nov 2026 10:00:00 +0100"
        ),
        account=MailAccount.objects.get(),
        folder="INBOX",
        uid=2,
    )
    client.force_login(staff)
    response = client.get(_urls(contact, message)["tab"])
    html = response.content.decode()
    assert html.index("Nyere") < html.index("Hemmelig")
    assert "bi-paperclip" in html


def test_tab_searches_in_subject(client, staff, linked):
    contact, message = linked
    client.force_login(staff)
    url = _urls(contact, message)["tab"]
    assert "Hemmelig" in client.get(url, {"q": "hemme"}).content.decode()
    assert "Hemmelig" not in client.get(url, {"q": "annet"}).content.decode()


def test_tab_pages_keep_the_search_and_stay_on_the_tab(client, staff, linked):
    contact, message = linked
    account = MailAccount.objects.get()
    for uid in range(2, 28):  # 26 offers: one more than a page
        raw_message_store(
            raw=raw_mail(subject=f"Tilbud {uid:02d}", sender="pat@example.no"),
            account=account,
            folder="INBOX",
            uid=uid,
        )
    client.force_login(staff)
    url = _urls(contact, message)["tab"]
    first = client.get(url, {"q": "tilbud"}).content.decode()
    assert "Side 1 av 2" in first and "Hemmelig" not in first
    # Without JavaScript too, «Neste» opens the e-mail tab's next page of the same search.
    assert f'href="{url}?q=tilbud&amp;page=2"' in first
    second = client.get(url, {"q": "tilbud", "page": 2}).content.decode()
    assert "Side 2 av 2" in second and second.count('data-testid="mail-row"') == 1
    # A page past the end (an old link) shows the last one.
    past = client.get(url, {"q": "tilbud", "page": 9}).content.decode()
    assert "Side 2 av 2" in past and past.count('data-testid="mail-row"') == 1


def test_tab_query_count_is_pinned(client, staff, linked, django_assert_max_num_queries):
    contact, message = linked
    client.force_login(staff)
    with django_assert_max_num_queries(20):
        client.get(_urls(contact, message)["tab"], headers={"HX-Request": "true"})


def test_message_view_shows_body_frame_and_attachment(client, staff, linked):
    contact, message = linked
    client.force_login(staff)
    urls = _urls(contact, message)
    html = client.get(urls["detail"]).content.decode()
    assert 'sandbox=""' in html and urls["body"] in html and "kontrakt.pdf" in html
    body = client.get(urls["body"])
    assert "HTML-tekst" in body.content.decode()
    assert "<script" not in body.content.decode().split("<body>")[1]
    assert "sandbox" in body["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in body["Content-Security-Policy"]
    assert body["X-Frame-Options"] == "SAMEORIGIN"
    assert f'href="{urls["attachment"]}"' in html
    download = client.get(urls["attachment"])
    assert b"".join(download.streaming_content) == b"PDFDATA"
    assert download["Content-Disposition"] == 'attachment; filename="kontrakt.pdf"'


def test_old_attachment_address_moves_for_good_to_the_files_download(client, staff, linked):
    # Stored bodies show inline (cid:) images from the old address.
    _contact, message = linked
    attachment = message.attachments.get()
    old = reverse("mailbox:attachment", args=[attachment.pk])
    assert client.get(old).status_code == 302  # anonymous: to the login page
    client.force_login(staff)
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == reverse("files:download", args=[attachment.file_id])
    assert (
        client.get(reverse("mailbox:attachment", args=[attachment.pk + 1000])).status_code == 404
    )


def test_old_attachment_address_of_a_locked_message_leads_to_404(
    client, staff, firm_admin, linked
):
    contact, message = linked
    contact_email_lock(contact=contact, actor=firm_admin)
    client.force_login(staff)
    old = reverse("mailbox:attachment", args=[message.attachments.get().pk])
    # 404 at once: no redirect telling which stored file holds the attachment.
    response = client.get(old)
    assert response.status_code == 404
    assert "Location" not in response


def test_old_attachment_address_of_an_unlinked_message_is_404(client, firm_admin):
    from tests.mailbox.factories import MessageAttachmentFactory

    attachment = MessageAttachmentFactory()  # a message linked to no contact
    client.force_login(firm_admin)
    response = client.get(reverse("mailbox:attachment", args=[attachment.pk]))
    assert response.status_code == 404
    assert "Location" not in response


def test_anonymous_is_sent_to_login(client, linked):
    for url in _urls(*linked).values():
        assert client.get(url).status_code == 302


def test_no_crm_access_gets_403(client, no_access_user, linked):
    client.force_login(no_access_user)
    for url in _urls(*linked).values():
        assert client.get(url).status_code == 403


def test_message_not_linked_to_contact_is_404(client, staff, linked):
    _contact, message = linked
    client.force_login(staff)
    other = ContactFactory()
    assert client.get(reverse("mailbox:detail", args=[other.pk, message.pk])).status_code == 404


def test_unlinked_message_body_is_404(client, staff):
    message = raw_message_store(raw=raw_mail(), account=None).message
    client.force_login(staff)
    assert client.get(reverse("mailbox:body", args=[message.pk])).status_code == 404


# --- the lock matrix ----------------------------------------------------------------------


def test_lock_hides_everything_from_staff_and_shows_it_to_admins(
    client, staff, firm_admin, linked
):
    contact, message = linked
    urls = _urls(contact, message)
    contact_email_lock(contact=contact, actor=firm_admin)

    client.force_login(staff)
    tab = client.get(urls["tab"]).content.decode()
    assert "Hemmelig" not in tab and 'data-testid="mail-locked"' in tab
    for name in ("detail", "body", "attachment"):
        assert client.get(urls[name]).status_code == 404, name
    history = client.get(reverse("contacts:tab", args=[contact.pk, "history"])).content.decode()
    assert "Hemmelig" not in history
    card = client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert "Hemmelig" not in card and "pat@example.no</td>" not in card

    client.force_login(firm_admin)
    assert "Hemmelig" in client.get(urls["tab"]).content.decode()
    for name in ("detail", "body", "attachment"):
        assert client.get(urls[name]).status_code == 200, name


def test_lock_hides_message_in_django_admin_from_non_administrators(staff, firm_admin, linked):
    contact, message = linked
    contact_email_lock(contact=contact, actor=firm_admin)
    admin = site._registry[Message]
    request = RequestFactory().get("/")
    request.user = staff
    assert not admin.get_queryset(request).exists()
    request.user = firm_admin
    assert admin.get_queryset(request).get() == message


def test_only_administrators_may_lock(client, staff, firm_admin, linked):
    contact, _message = linked
    url = reverse("mailbox:lock", args=[contact.pk])
    client.force_login(staff)
    assert client.post(url).status_code == 403
    client.force_login(firm_admin)
    assert client.post(url, {"locked": "1"}).status_code == 302
    contact.refresh_from_db()
    assert contact.email_locked
    client.post(url, {"locked": "0"})
    contact.refresh_from_db()
    assert not contact.email_locked
    verbs = list(
        Entry.objects.filter(contact=contact, verb__in=["mailbox.locked", "mailbox.unlocked"])
        .order_by("id")
        .values_list("verb", "actor")
    )
    assert verbs == [("mailbox.locked", firm_admin.pk), ("mailbox.unlocked", firm_admin.pk)]


def test_locking_and_unlocking_each_leave_one_history_line(client, firm_admin):
    # «Sperr tilgang» and «Åpne tilgang» wrote two entries each (the capture trigger on
    # contacts_contact.email_locked and the mailbox service): the card said it twice.
    from tests.history.lines import card_lines

    firm_admin.first_name, firm_admin.last_name = "Ada", "Admin"
    firm_admin.save()
    contact = ContactFactory()
    url = reverse("mailbox:lock", args=[contact.pk])
    client.force_login(firm_admin)
    before = card_lines(client, contact)
    assert client.post(url, {"locked": "1"}).status_code == 302
    assert card_lines(client, contact) == [
        *before,
        "Ada Admin sperret tilgangen til kontaktens e-post",
    ]
    assert client.post(url, {"locked": "0"}).status_code == 302
    assert card_lines(client, contact) == [
        *before,
        "Ada Admin sperret tilgangen til kontaktens e-post",
        "Ada Admin åpnet tilgangen til kontaktens e-post",
    ]
    assert Entry.objects.filter(contact=contact).count() == len(before) + 2


def test_locked_tab_shows_lock_button_text_to_admin(client, firm_admin, linked):
    contact, _message = linked
    client.force_login(firm_admin)
    html = client.get(reverse("contacts:tab", args=[contact.pk, "email"])).content.decode()
    assert reverse("mailbox:lock", args=[contact.pk]) in html


# --- sending ------------------------------------------------------------------------------


def test_compose_names_the_account_it_sends_from(client, staff, linked):
    """Sending itself (queue, worker, SMTP, Sent folder): tests/mailbox/test_outbox.py."""
    contact, _message = linked
    account = MailAccount.objects.get(user=staff)
    account.smtp_host = "127.0.0.1"
    account.save()
    client.force_login(staff)
    page = client.get(reverse("mailbox:compose", args=[contact.pk])).content.decode()
    assert 'data-testid="compose-route"' in page and account.email in page


def test_compose_refuses_address_not_on_the_contact(client, staff, linked):
    contact, _message = linked
    client.force_login(staff)
    response = client.post(
        reverse("mailbox:compose", args=[contact.pk]),
        {"to": "annen@example.no", "subject": "x", "body": "y"},
    )
    assert response.status_code == 400


# --- accounts -----------------------------------------------------------------------------


def test_account_form_creates_account_with_encrypted_password(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("mailbox:account_create"),
        {
            "email": "ola@firma.no",
            "host": "imap.firma.no",
            "port": "993",
            "security": "ssl",
            "username": "ola",
            "password": "hemmelig-1",
            "folders": "INBOX, Sent",
            "link_to_crm": "on",
            "save": "1",
        },
    )
    assert response.status_code == 302
    account = MailAccount.objects.get(user=staff)
    assert "hemmelig-1" not in account.password_encrypted


def test_account_form_with_bad_port_shows_message(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("mailbox:account_create"),
        {
            "email": "ola@firma.no",
            "host": "imap.firma.no",
            "port": "99999",
            "security": "ssl",
            "username": "ola",
            "password": "x",
            "folders": "INBOX",
        },
    )
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()


def test_other_users_account_is_404(client, other_staff, staff):
    account = mail_account_save(
        user=staff,
        email="ola@firma.no",
        host="h",
        port=993,
        security="ssl",
        username="ola",
        password="x",
        folders="INBOX",
        link_to_crm=True,
    )
    client.force_login(other_staff)
    assert client.get(reverse("mailbox:account_update", args=[account.pk])).status_code == 404


def _account_on(user, port):
    return mail_account_save(
        user=user,
        email="ola@firma.no",
        host="127.0.0.1",
        port=port,
        security="none",
        username="ola",
        password="x",
        folders="INBOX",
        link_to_crm=True,
    )


def _test_button_answer(client, account) -> str:
    response = client.post(reverse("mailbox:account_test", args=[account.pk]), follow=True)
    return str(next(iter(response.context["messages"])))


NEUTRAL = "Fikk ikke kontakt med serveren. Sjekk vertsnavn, port og kryptering."


def test_closed_and_silent_ports_give_the_same_answer(
    client, staff, settings, closed_port, silent_port
):
    """«Lagre og test» must not tell an open port from a closed one (a network scanner)."""
    settings.OUTBOUND_CONNECT_TIMEOUT = 0.5
    client.force_login(staff)
    closed = _test_button_answer(client, _account_on(staff, closed_port))
    MailAccount.objects.all().delete()
    started = time.monotonic()
    silent = _test_button_answer(client, _account_on(staff, silent_port))
    assert time.monotonic() - started < 3
    assert closed == silent == NEUTRAL


ACCOUNT_FORM = {
    "email": "ola@firma.no",
    "security": "none",
    "username": "ola",
    "password": "x",
    "folders": "INBOX",
    "link_to_crm": "on",
    "test": "1",
}


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::ffff:127.0.0.1", "0.0.0.0"])
def test_account_form_refuses_an_internal_server_quickly_without_connecting(
    client, staff, settings, listener, host
):
    settings.OUTBOUND_ALLOWED_HOSTS = []
    client.force_login(staff)
    started = time.monotonic()
    response = client.post(
        reverse("mailbox:account_create"),
        {**ACCOUNT_FORM, "host": host, "port": str(listener.getsockname()[1])},
    )
    assert time.monotonic() - started < 2
    assert response.status_code == 200
    error = response.context["form"].errors["host"][0]
    assert "intern adresse" in error and host in error
    assert not MailAccount.objects.exists()
    assert not was_contacted(listener)


def test_test_button_refuses_a_saved_account_that_now_points_inward(
    client, staff, settings, listener
):
    account = _account_on(staff, listener.getsockname()[1])
    settings.OUTBOUND_ALLOWED_HOSTS = []
    client.force_login(staff)
    assert "intern adresse" in _test_button_answer(client, account)
    assert not was_contacted(listener)


def test_an_allowed_internal_server_may_be_saved(client, staff, settings, listener):
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    client.force_login(staff)
    form = {key: value for key, value in ACCOUNT_FORM.items() if key != "test"}
    response = client.post(
        reverse("mailbox:account_create"),
        {**form, "host": "127.0.0.1", "port": "143", "save": "1"},
    )
    assert response.status_code == 302
    assert MailAccount.objects.get().host == "127.0.0.1"


def test_message_view_query_count_is_pinned(client, staff, linked, django_assert_max_num_queries):
    contact, message = linked
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        assert client.get(_urls(contact, message)["detail"]).status_code == 200


def test_a_message_shared_with_a_locked_contact_is_hidden_from_the_other_contacts_history(
    client, staff, firm_admin, linked
):
    contact, message = linked
    colleague = ContactFactory(last_name="Kollega")
    ContactEmailFactory(contact=colleague, email="ola@firma.no")
    from mailbox.services.linking import contact_link_past_mail

    contact_link_past_mail(contact=colleague)
    contact_email_lock(contact=contact, actor=firm_admin)
    history_url = reverse("contacts:tab", args=[colleague.pk, "history"])

    client.force_login(staff)
    assert "Hemmelig" not in client.get(history_url).content.decode()
    client.force_login(firm_admin)
    assert "Hemmelig" in client.get(history_url).content.decode()


def test_a_new_address_on_the_contact_links_its_past_mail(staff, linked):
    from contacts.services import contact_update

    _, message = linked
    other = ContactFactory(last_name="Senere")
    assert not message.links.filter(contact=other).exists()
    contact_update(contact=other, emails=["PAT@example.no"])
    assert message.links.filter(contact=other).exists()
