"""The E-post tab with 2,000 linked messages in conversations of four (rows made directly,
no IMAP), in a firm whose mail has 500,000 more messages linked to other contacts, 100 of
them with their e-mail locked: the rule that hides a message linked to a locked contact
must not read the firm's every link on each card."""

from datetime import timedelta

TAB = "email"
COUNT = 2000
FIRM_MESSAGES = 500_000
LOCKED = 100


def build(contact):
    firm_mail(contact)
    from django.utils import timezone

    from contacts.models import ContactEmail
    from mailbox.models import Message, MessageAddress, MessageContact

    address = "benk.kontaktkort@example.no"
    ContactEmail.objects.get_or_create(contact=contact, email=address)
    have = MessageContact.objects.filter(contact=contact).count()
    if have >= COUNT:
        return
    now = timezone.now()
    messages = Message.objects.bulk_create(
        [
            Message(
                dedupe_key=f"id:bench-{contact.pk}-{i}@example.no",
                message_id=f"bench-{contact.pk}-{i}@example.no",
                subject=f"Benkemelding {i}",
                from_address=address if i % 2 else "ola@firma.no",
                to_addresses=["ola@firma.no"] if i % 2 else [address],
                sent_at=now - timedelta(minutes=i),
                text_body="Hei\n" * 20,
                has_attachments=i % 7 == 0,
                thread_key=f"bench-{contact.pk}-{i - i % 4}@example.no",
                thread_ids=[f"bench-{contact.pk}-{i}@example.no"],
            )
            for i in range(have, COUNT)
        ],
        ignore_conflicts=True,
    )
    keys = [m.dedupe_key for m in messages]
    rows = list(
        Message.objects.filter(dedupe_key__in=keys).values_list("pk", "from_address", "sent_at")
    )
    MessageAddress.objects.bulk_create(
        [MessageAddress(message_id=pk, address=address) for pk, _, _ in rows],
        ignore_conflicts=True,
    )
    MessageContact.objects.bulk_create(
        [
            MessageContact(
                message_id=pk,
                contact=contact,
                direction="received" if sender == address else "sent",
                sent_at=sent_at,
            )
            for pk, sender, sent_at in rows
        ],
        ignore_conflicts=True,
    )


def firm_mail(contact):
    """The rest of the firm's mail, once: a message each for 500,000 contact links spread
    over the million, written in SQL (a few seconds), and 100 of those contacts locked."""
    from django.db import connection

    from mailbox.models import MessageContact

    if MessageContact.objects.exclude(contact=contact).count() >= FIRM_MESSAGES:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH made AS (
                INSERT INTO mailbox_message (dedupe_key, message_id, subject, from_name,
                    from_address, to_addresses, cc_addresses, sent_at, text_body, html_body,
                    has_attachments, size, created_at, thread_ids, thread_key)
                SELECT 'id:firm-' || i || '@example.no', 'firm-' || i || '@example.no',
                    'Firmamelding ' || i, '', 'kunde' || i || '@example.no',
                    '["post@firma.no"]', '[]', now() - i * interval '1 minute', 'Hei', '',
                    false, 100, now(), ARRAY['firm-' || i || '@example.no'],
                    'firm-' || i || '@example.no'
                FROM generate_series(1, %(n)s) AS i
                ON CONFLICT (dedupe_key) DO NOTHING
                RETURNING id, sent_at
            )
            INSERT INTO mailbox_messagecontact (message_id, contact_id, direction, sent_at)
            SELECT made.id, c.id, 'received', made.sent_at
            FROM made
            JOIN LATERAL (
                SELECT id FROM contacts_contact
                WHERE id = 1 + (made.id * 7919) %% 1000000 AND id <> %(own)s
            ) c ON true
            ON CONFLICT DO NOTHING
            """,
            {"n": FIRM_MESSAGES, "own": contact.pk},
        )
        cursor.execute(
            "UPDATE contacts_contact SET email_locked = true WHERE id IN ("
            " SELECT DISTINCT contact_id FROM mailbox_messagecontact WHERE contact_id <> %s"
            " ORDER BY contact_id LIMIT %s)",
            [contact.pk, LOCKED],
        )
        cursor.execute("ANALYZE mailbox_message")
        cursor.execute("ANALYZE mailbox_messagecontact")
        cursor.execute("ANALYZE contacts_contact")
