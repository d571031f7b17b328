"""Demo data: a few SMS and number lookups on the first contacts, so the tab has content."""

from cardservices.models import NumberLookup, SmsMessage
from contacts.models import Contact

from .numbers import number_facts
from .sms.segments import count_segments

TEXTS = [
    "Hei! Takk for møtet i dag. Tilbudet kommer på e-post i morgen.",
    "Påminnelse: avtalen vår er flyttet til torsdag kl. 10.00.",
    "Vi har mottatt bestillingen din. Levering om 3–5 virkedager.",
]


def seed(ctx):
    if SmsMessage.objects.exists() or NumberLookup.objects.exists():
        return
    contacts = list(Contact.objects.exclude(mobile="").order_by("id")[:5])
    for i, contact in enumerate(contacts):
        facts = number_facts(contact.mobile)
        text = TEXTS[i % len(TEXTS)]
        count = count_segments(text)
        SmsMessage.objects.create(
            contact=contact,
            sent_by=ctx.staff,
            to_number=facts.e164,
            sender_name="CRM",
            text=text,
            encoding=count.encoding,
            segments=count.segments,
            status="sent",
            backend="cardservices.sms.backends.console.SmsBackend",
            provider_id="console",
        )
        NumberLookup.objects.create(
            contact=contact,
            looked_up_by=ctx.rng.choice([ctx.staff, ctx.admin]),
            field="mobile",
            number=facts.international or facts.raw,
            valid=facts.valid,
            number_type=facts.number_type,
            region=facts.region,
            carrier=facts.carrier,
            national=facts.national,
            international=facts.international,
        )
