"""Demo e-mail on demo contacts, made through the services (no IMAP server needed)."""

from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from django.utils import timezone

from contacts.models import ContactEmail

from .models import MailAccount, Message
from .parsing import parse_message
from .services.accounts import mail_account_save
from .services.storing import message_store

SUBJECTS = [
    "Tilbud på kontorrekvisita",
    "Møtereferat fra onsdag",
    "Spørsmål om faktura",
    "Avtale om levering",
    "Takk for hyggelig møte",
    "Oppfølging av tilbud",
    "Endring i kontaktinformasjon",
    "Påminnelse: signert kontrakt",
]
CONTACTS = 40
PER_CONTACT = 4


def seed(ctx):
    if Message.objects.filter(message_id__endswith="@demo.kontaktkort.no").exists():
        return
    account = MailAccount.objects.filter(user=ctx.staff).first() or mail_account_save(
        user=ctx.staff,
        email="kari@demo.kontaktkort.no",
        host="imap.example.invalid",
        port=993,
        security="ssl",
        username="kari",
        password="demo-imap-password",
        folders="INBOX, Sent",
        link_to_crm=True,
    )
    emails = list(
        ContactEmail.objects.filter(position=0)
        .order_by("contact_id")[:CONTACTS]
        .values_list("email", "contact__first_name", "contact__last_name")
    )
    rng = ctx.rng
    now = timezone.now().replace(microsecond=0)
    for n, (address, first, last) in enumerate(emails):
        for i in range(PER_CONTACT):
            received = (n + i) % 2 == 0
            msg = EmailMessage()
            name = f"{first} {last}".strip()
            if received:
                msg["From"], msg["To"] = f"{name} <{address}>", account.email
            else:
                msg["From"], msg["To"] = f"Kari Nordmann <{account.email}>", address
            msg["Subject"] = rng.choice(SUBJECTS)
            msg["Date"] = format_datetime(now - timedelta(days=rng.randrange(1, 200), minutes=i))
            msg["Message-ID"] = f"<demo-{n}-{i}@demo.kontaktkort.no>"
            msg.set_content(
                f"Hei {first},\n\n{ctx.faker.paragraph(nb_sentences=3)}\n\nHilsen\nKari"
            )
            msg.add_alternative(
                f"<p>Hei {first},</p><p>{ctx.faker.paragraph(nb_sentences=3)}</p><p>Hilsen<br>Kari</p>",
                subtype="html",
            )
            if i == 0:
                msg.add_attachment(b"%PDF-1.4 demo\n", "application", "pdf", filename="tilbud.pdf")
            message_store(
                parsed=parse_message(msg.as_bytes()),
                account=account,
                folder="INBOX" if received else "Sent",
                uid=n * PER_CONTACT + i + 1,
            )
