import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from mailbox.services.sync import account_sync
from tests.browser.conftest import assert_accessible
from tests.contacts.factories import ContactEmailFactory, ContactFactory
from tests.crm.factories import UserFactory
from tests.mailbox.conftest import dovecot, imap_user, make_account, raw_mail  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_staff_opens_a_synced_message_on_the_card(
    live_server,
    page,
    login,
    dovecot,  # noqa: F811
    imap_user,  # noqa: F811
    make_account,  # noqa: F811
):
    user = UserFactory(crm_access=True)
    contact = ContactFactory(first_name="Per", last_name="Postmann")
    ContactEmailFactory(contact=contact, email="per@example.no")
    dovecot.append(
        imap_user[0],
        raw_mail(subject="Tilbud på tak", sender="Per <per@example.no>", body="Takk for sist"),
    )
    account_sync(account=make_account(user, imap_user))

    login(user)
    page.goto(live_server.url + reverse("contacts:detail", args=[contact.pk]))
    page.get_by_role("tab", name="E-post").click()
    expect(page.get_by_test_id("mail-row")).to_have_count(1)
    assert_accessible(page)
    page.get_by_role("link", name="Tilbud på tak").click()
    expect(page.get_by_role("heading", name="Tilbud på tak")).to_be_visible()
    expect(page.get_by_test_id("mail-text")).to_contain_text("Takk for sist")
    expect(page).to_have_url(re.compile(r"/mail/contacts/\d+/messages/\d+/$"))
    assert_accessible(page)


def test_administrator_locks_and_staff_sees_only_the_lock(live_server, page, login):
    from mailbox.services.accounts import mail_account_save
    from mailbox.services.storing import raw_message_store

    admin = UserFactory(crm_access=True, firm_admin=True)
    staff = UserFactory(crm_access=True)
    contact = ContactFactory(first_name="Lise", last_name="Lås")
    ContactEmailFactory(contact=contact, email="lise@example.no")
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
    raw_message_store(
        raw=raw_mail(subject="Lønnsforhandling", sender="lise@example.no"), account=account
    )
    tab_url = live_server.url + reverse("contacts:tab", args=[contact.pk, "email"])

    login(admin)
    page.goto(tab_url)
    page.get_by_role("button", name="Sperr tilgang").click()
    expect(page.get_by_role("button", name="Åpne tilgang")).to_be_visible()
    expect(page.get_by_text("Lønnsforhandling")).to_be_visible()

    page.context.clear_cookies()
    login(staff)
    page.goto(tab_url)
    expect(page.get_by_test_id("mail-locked")).to_be_visible()
    expect(page.get_by_text("Lønnsforhandling")).to_have_count(0)
    assert_accessible(page)
