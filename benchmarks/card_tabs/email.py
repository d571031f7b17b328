"""The E-post tab with 2,000 linked messages in conversations of four (rows made directly,
no IMAP)."""

from datetime import timedelta

TAB = "email"
COUNT = 2000


def build(contact):
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
