"""The History tab of a contact with 20,000 timeline entries (K6: p95 ≤ 25 ms)."""

TAB = "history"
ENTRIES = 20_000


def build(contact):
    import datetime as dt

    from django.utils import timezone

    from history.models import Entry

    missing = ENTRIES - Entry.objects.filter(contact=contact).count()
    if missing <= 0:
        return
    start = timezone.now() - dt.timedelta(days=730)
    Entry.objects.bulk_create(
        [
            Entry(
                contact=contact,
                occurred_at=start + dt.timedelta(minutes=50 * i),
                actor_label="bench",
                verb="contacts.changed",
                data={"changes": {"city": ["Oslo", f"Bergen {i}"]}},
            )
            for i in range(missing)
        ],
        batch_size=2000,
    )
