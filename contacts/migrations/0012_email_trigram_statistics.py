"""Finer statistics for the e-mail search's trigram index expression.

An e-mail search joins the matching addresses (``contact_email_trgm``) to their contacts,
and the plan turns on how many addresses the planner expects: for a substring that is
not at the start, PostgreSQL counts the entries of the expression's histogram that
contain it. With the default 100 entries, a rare substring («hansen12», 337 addresses of
a million) that happens to lie in one entry is taken for 1 % of the table, and the
planner reads all million contacts in a hash join (63 ms) instead of looking up the few
(15 ms). With 1,000 entries such a miss is 0.1 %, which still plans the lookups.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("contacts", "0011_locked_contacts_index")]

    operations = [
        migrations.RunSQL(
            "ALTER INDEX contact_email_trgm ALTER COLUMN 1 SET STATISTICS 1000",
            "ALTER INDEX contact_email_trgm ALTER COLUMN 1 SET STATISTICS -1",
        )
    ]
