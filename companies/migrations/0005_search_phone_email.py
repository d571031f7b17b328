# The search panel (search/): a digits-only phone column and trigram indexes for the
# company phone and e-mail searches, like contacts/0002.

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('companies', '0004_link_dates_named'),
    ]

    operations = [
        migrations.AddField(
            model_name='company',
            name='phone_digits',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.functions.text.Replace('phone', models.Value('+'), output_field=models.TextField()), output_field=models.TextField()),
        ),
        migrations.AddIndex(
            model_name='company',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass('phone_digits', name='gin_trgm_ops'), name='company_phone_trgm'),
        ),
        migrations.AddIndex(
            model_name='company',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Upper('email'), name='gin_trgm_ops'), name='company_email_trgm'),
        ),
    ]
