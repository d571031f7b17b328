"""Conversations: replies grouped by Message-ID, In-Reply-To and References."""

from email.message import EmailMessage

import pytest
from django.urls import reverse

from mailbox.models import Message, MessageContact
from mailbox.parsing import MAX_REFERENCES, parse_message
from mailbox.services import sync
from mailbox.services.accounts import mail_account_save
from mailbox.services.email_lock import contact_email_lock
from mailbox.services.storing import messages_store, raw_message_store
from mailbox.services.sync import account_sync
from tests.contacts.factories import ContactEmailFactory, ContactFactory

pytestmark = pytest.mark.django_db


def reply(
    mid,
    *,
    subject="Tilbud",
    sender="kunde@example.no",
    to="ola@firma.no",
    in_reply_to="",
    references="",
    day=24,
    attachment=None,
) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg["Message-ID"] = f"<{mid}@example.no>"
    msg["Date"] = f"Tue, {day} Nov 2026 10:00:00 +0100"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    msg.set_content(f"Melding {mid}")
    if attachment:
        msg.add_attachment(b"PDF", "application", "pdf", filename=attachment)
    return msg.as_bytes()


# A conversation of four: the root, the staff's answer, the customer's reply to it, and a
# reply whose mailer cut References short (it names neither the root nor the first).
ROOT = reply("a", day=20)
ANSWER = reply(
    "b",
    subject="SV: Tilbud",
    sender="ola@firma.no",
    to="kunde@example.no",
    in_reply_to="<a@example.no>",
    references="<a@example.no>",
    day=21,
)
REPLY = reply(
    "c",
    subject="Re: SV: Tilbud",
    in_reply_to="<b@example.no>",
    references="<a@example.no> <b@example.no>",
    day=22,
    attachment="kontrakt.pdf",
)
CUT_SHORT = reply(
    "d", subject="Re: Tilbud", in_reply_to="<c@example.no>", references="<c@example.no>", day=23
)
# Same subject, another conversation: subjects are never used to thread.
UNRELATED = reply("e", subject="Re: Tilbud", day=24)


@pytest.fixture
def customer():
    contact = ContactFactory(last_name="Kundesen")
    ContactEmailFactory(contact=contact, email="kunde@example.no")
    return contact


def _keys():
    return dict(Message.objects.values_list("message_id", "thread_key"))


def test_parsing_reads_references_and_in_reply_to():
    parsed = parse_message(REPLY)
    assert parsed.references == ["a@example.no", "b@example.no"]
    assert parsed.thread_ids == ["c@example.no", "a@example.no", "b@example.no"]
    bare = parse_message(reply("x", in_reply_to="b@example.no"))
    assert bare.references == ["b@example.no"]
    prose = parse_message(reply("y", in_reply_to="Your message of Tuesday"))
    assert prose.references == []


def test_long_references_keep_the_root_and_the_nearest():
    chain = " ".join(f"<r{i}@example.no>" for i in range(100))
    parsed = parse_message(reply("z", references=chain, in_reply_to="<r99@example.no>"))
    assert len(parsed.references) == MAX_REFERENCES
    assert parsed.references[0] == "r0@example.no"
    assert parsed.references[-1] == "r99@example.no"


@pytest.mark.parametrize(
    "order",
    [
        (ROOT, ANSWER, REPLY, CUT_SHORT),
        (CUT_SHORT, ROOT, REPLY, ANSWER),
        (CUT_SHORT, ANSWER, ROOT, REPLY),
    ],
)
def test_a_reply_chain_stored_one_by_one_in_any_order_is_one_conversation(order):
    for raw in (*order, UNRELATED):
        messages_store(messages=[(parse_message(raw), 1)], account=None)
    keys = _keys()
    assert len({keys[f"{m}@example.no"] for m in "abcd"}) == 1
    assert keys["e@example.no"] != keys["a@example.no"]


def test_a_reply_chain_stored_in_one_batch_is_one_conversation():
    messages_store(
        messages=[(parse_message(raw), i) for i, raw in enumerate([CUT_SHORT, UNRELATED, ROOT])],
        account=None,
    )
    keys = _keys()
    assert keys["d@example.no"] != keys["a@example.no"]  # nothing ties them yet
    messages_store(messages=[(parse_message(REPLY), 9)], account=None)
    keys = _keys()
    assert keys["a@example.no"] == keys["c@example.no"] == keys["d@example.no"]
    assert keys["e@example.no"] != keys["a@example.no"]


def test_synced_out_of_order_across_chunks_the_tab_shows_one_conversation(
    dovecot, imap_user, make_account, staff, customer, client, monkeypatch
):
    monkeypatch.setattr(sync, "BATCH", 1)
    account = make_account(staff, imap_user)
    dovecot.append(imap_user[0], [CUT_SHORT, REPLY, UNRELATED, ROOT])
    dovecot.append(imap_user[0], ANSWER, folder="Sent")

    report = account_sync(account=account)

    assert report.new == 5
    client.force_login(staff)
    html = client.get(reverse("contacts:tab", args=[customer.pk, "email"])).content.decode()
    assert html.count('data-testid="mail-row"') == 2
    assert "4 meldinger" in html
    # The newest conversation first: the unrelated message of the 24th, then the chain.
    rows = html.split('data-testid="mail-row"')[1:]
    assert 'data-testid="thread-count">1<' in rows[0]
    assert "4 meldinger" in rows[1] and "23.11.2026" in rows[1]


def _stored(raws, account=None):
    return [
        raw_message_store(raw=raw, account=account, folder="INBOX", uid=i).message
        for i, raw in enumerate(raws, start=1)
    ]


@pytest.fixture
def account(staff):
    return mail_account_save(
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


def test_tab_row_shows_count_participants_and_last_date(client, staff, customer, account):
    _stored([ROOT, ANSWER, REPLY, UNRELATED], account)
    Message.objects.filter(message_id="b@example.no").update(from_name="Ola Nordmann")
    client.force_login(staff)
    html = client.get(reverse("contacts:tab", args=[customer.pk, "email"])).content.decode()
    rows = html.split('data-testid="mail-row"')[1:]
    assert len(rows) == 2
    chain = rows[1]
    assert "3 meldinger" in chain
    assert "kunde@example.no, Ola Nordmann" in chain
    assert "22.11.2026" in chain  # the last message's date
    assert "Re: SV: Tilbud" in chain  # the newest message's subject heads the row
    assert "bi-paperclip" in chain


def test_thread_unfolds_with_htmx_and_as_a_page_with_attachment_links(
    client, staff, customer, account
):
    root, _answer, reply_ = _stored([ROOT, ANSWER, REPLY], account)
    attachment = reply_.attachments.get()
    url = reverse("mailbox:thread", args=[customer.pk, root.pk])
    client.force_login(staff)
    tab = client.get(reverse("contacts:tab", args=[customer.pk, "email"])).content.decode()
    newest_url = reverse("mailbox:thread", args=[customer.pk, reply_.pk])
    assert f'hx-get="{newest_url}"' in tab and f'href="{newest_url}"' in tab

    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    page = client.get(url).content.decode()

    assert fragment.startswith('<td colspan="6"') and "<html" not in fragment
    assert "<html" in page
    for html in (fragment, page):
        assert html.count('data-testid="thread-message"') == 3
        items = html.split('data-testid="thread-message"')[1:]
        subjects = [">Tilbud<", ">SV: Tilbud<", ">Re: SV: Tilbud<"]
        assert [subject in item for item, subject in zip(items, subjects, strict=True)] == [
            True,
            True,
            True,
        ]
        download = reverse("files:download", args=[attachment.file_id])
        assert f'href="{download}" data-testid="thread-attachment"' in html
        assert reverse("mailbox:detail", args=[customer.pk, reply_.pk]) in html
    assert client.get(reverse("files:download", args=[attachment.file_id])).status_code == 200


def test_locked_mail_is_left_out_of_conversations_for_non_administrators(
    client, staff, firm_admin, customer, account
):
    root, answer, reply_ = _stored([ROOT, ANSWER, REPLY], account)
    # The answer went to another contact too, whose e-mail is locked.
    secret = ContactFactory()
    ContactEmailFactory(contact=secret, email="hemmelig@example.no")
    MessageContact.objects.create(message=answer, contact=secret, direction="sent")
    contact_email_lock(contact=secret, actor=firm_admin)
    tab = reverse("contacts:tab", args=[customer.pk, "email"])
    thread = reverse("mailbox:thread", args=[customer.pk, root.pk])

    client.force_login(staff)
    assert "2 meldinger" in client.get(tab).content.decode()
    html = client.get(thread).content.decode()
    assert html.count('data-testid="thread-message"') == 2 and ">SV: Tilbud<" not in html
    assert client.get(reverse("mailbox:thread", args=[customer.pk, answer.pk])).status_code == 404

    client.force_login(firm_admin)
    assert "3 meldinger" in client.get(tab).content.decode()
    assert client.get(thread).content.decode().count('data-testid="thread-message"') == 3


def test_whole_locked_contact_shows_no_thread(client, staff, firm_admin, customer, account):
    root = _stored([ROOT], account)[0]
    contact_email_lock(contact=customer, actor=firm_admin)
    client.force_login(staff)
    assert client.get(reverse("mailbox:thread", args=[customer.pk, root.pk])).status_code == 404


def test_thread_view_access(client, no_access_user, staff, customer, account):
    root = _stored([ROOT], account)[0]
    url = reverse("mailbox:thread", args=[customer.pk, root.pk])
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(no_access_user)
    assert client.get(url).status_code == 403
    client.force_login(staff)
    assert client.get(url).status_code == 200
    other = ContactFactory()
    # A message not linked to the contact named in the address is not found there.
    assert client.get(reverse("mailbox:thread", args=[other.pk, root.pk])).status_code == 404


def test_tab_and_thread_queries_do_not_grow_with_conversations(
    client, staff, customer, account, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff)
    tab = reverse("contacts:tab", args=[customer.pk, "email"])
    counts = []
    for n in (2, 12):
        for i in range(len(counts) * 2, n):
            _stored(
                [
                    reply(f"t{i}"),
                    reply(
                        f"t{i}r",
                        sender="ola@firma.no",
                        to="kunde@example.no",
                        in_reply_to=f"<t{i}@example.no>",
                        attachment="vedlegg.pdf",
                    ),
                ],
                account,
            )
        with CaptureQueriesContext(connection) as captured:
            client.get(tab, headers={"HX-Request": "true"})
        counts.append(len(captured))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(20):
        client.get(tab, headers={"HX-Request": "true"})
    root = Message.objects.get(message_id="t0@example.no")
    with django_assert_max_num_queries(10):
        response = client.get(
            reverse("mailbox:thread", args=[customer.pk, root.pk]),
            headers={"HX-Request": "true"},
        )
    assert response.content.decode().count('data-testid="thread-message"') == 2


def test_tab_search_finds_the_conversation_of_a_matching_message(client, staff, customer, account):
    _stored([ROOT, ANSWER, REPLY, reply("f", subject="Faktura")], account)
    client.force_login(staff)
    html = client.get(
        reverse("contacts:tab", args=[customer.pk, "email"]), {"q": "SV: tilbud"}
    ).content.decode()
    assert html.count('data-testid="mail-row"') == 1 and "3 meldinger" in html
