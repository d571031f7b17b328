"""The services tab: 10 SMS and 10 lookups on the benchmark contact (what the tab shows)."""

TAB = "services"


def build(contact):
    from cardservices.models import NumberLookup, SmsMessage

    changed = []
    if not contact.mobile or not contact.street_address or not contact.website:
        contact.mobile = contact.mobile or "+4741234567"
        contact.work_phone = contact.work_phone or "+4722123456"
        contact.street_address = contact.street_address or "Øvre Slottsgate 3"
        contact.postcode, contact.city = contact.postcode or "0157", contact.city or "Oslo"
        contact.website = contact.website or "www.benkefirma.no"
        changed = ["mobile", "work_phone", "street_address", "postcode", "city", "website"]
        contact.save(update_fields=changed)
    for i in range(10 - SmsMessage.objects.filter(contact=contact).count()):
        SmsMessage.objects.create(
            contact=contact,
            to_number="+4741234567",
            sender_name="CRM",
            text=f"Påminnelse {i}: møtet er flyttet til kl. 14.",
            encoding="GSM-7",
            segments=1,
            status="sent",
            backend="cardservices.sms.backends.console.SmsBackend",
        )
    for _ in range(10 - NumberLookup.objects.filter(contact=contact).count()):
        NumberLookup.objects.create(
            contact=contact,
            field="mobile",
            number="+47 41 23 45 67",
            valid=True,
            number_type="mobile",
            region="NO",
            carrier="Telia",
            national="41 23 45 67",
            international="+47 41 23 45 67",
        )
