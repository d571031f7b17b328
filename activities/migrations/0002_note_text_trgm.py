# The search panel's note search (search/): a trigram index on the expression its
# lookups emit. pg_trgm comes from contacts/0001, which activities/0001 depends on.
# Concurrently: a plain CREATE INDEX would hold up every note written meanwhile.

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('activities', '0001_initial'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='note',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Upper('text'), name='gin_trgm_ops'), name='note_text_trgm'),
        ),
    ]
