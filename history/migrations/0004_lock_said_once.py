from django.db import migrations

# Each «Sperr tilgang»/«Åpne tilgang» wrote two entries: the capture trigger's
# contacts.email_locked/unlocked and the mailbox service's mailbox.locked/unlocked, in the
# same transaction. The mailbox's stays; a capture entry without its twin (a lock set by
# raw SQL, say) becomes the mailbox's verb, now the one that says it.
DEDUPLICATE = """
DELETE FROM history_entry t
WHERE t.verb IN ('contacts.email_locked', 'contacts.email_unlocked')
  AND EXISTS (
    SELECT 1 FROM history_entry m
    WHERE m.contact_id = t.contact_id
      AND m.verb = CASE t.verb WHEN 'contacts.email_locked' THEN 'mailbox.locked'
                               ELSE 'mailbox.unlocked' END
      AND m.occurred_at BETWEEN t.occurred_at - interval '1 minute'
                            AND t.occurred_at + interval '1 minute'
  );
UPDATE history_entry
SET verb = CASE verb WHEN 'contacts.email_locked' THEN 'mailbox.locked' ELSE 'mailbox.unlocked' END
WHERE verb IN ('contacts.email_locked', 'contacts.email_unlocked');
"""


class Migration(migrations.Migration):
    dependencies = [
        ("history", "0003_entry_private_outlives_user"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="contactevent",
            name="email_locked",
        ),
        migrations.RunSQL(DEDUPLICATE, migrations.RunSQL.noop),
    ]
