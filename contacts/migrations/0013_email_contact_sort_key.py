"""Each address carries its contact's sort key (``ContactEmail.contact_sort_key``).

The e-mail search sorts the contacts of the matching addresses by name. Joined to the
contacts for their sort keys, a frequent part of a name («hansen», 29,000 addresses of a
million) had PostgreSQL read every contact (a hash join, 0.13–0.23 s); with the key on the
address, the trigram index's matches are sorted where they are found. The triggers that
keep it (``derived_…`` in the models' Meta) are installed after migrating
(PGTRIGGER_INSTALL_ON_MIGRATE); here the existing addresses get their keys.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("contacts", "0012_email_trigram_statistics")]

    operations = [
        migrations.AddField(
            model_name="contactemail",
            name="contact_sort_key",
            field=models.TextField(db_collation="C", default="", editable=False),
        ),
        migrations.RunSQL(
            """
            UPDATE contacts_contactemail e SET contact_sort_key = c.sort_key
            FROM contacts_contact c WHERE c.id = e.contact_id
            """,
            migrations.RunSQL.noop,
        ),
    ]
