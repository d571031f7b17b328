# The search panel (search/): a digits-only phone column and trigram indexes on the
# expressions its lookups emit.

import django.contrib.postgres.indexes
import django.db.models.functions.comparison
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='contact',
            name='phone_digits',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.functions.text.Concat(django.db.models.functions.text.Replace('mobile', models.Value('+'), output_field=models.TextField()), models.Value(' ', output_field=models.TextField()), django.db.models.functions.text.Replace('work_phone', models.Value('+'), output_field=models.TextField()), models.Value(' ', output_field=models.TextField()), django.db.models.functions.text.Replace('private_phone', models.Value('+'), output_field=models.TextField())), output_field=models.TextField()),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Upper('last_name'), name='gin_trgm_ops'), name='contact_last_name_trgm'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Upper('first_name'), name='gin_trgm_ops'), name='contact_first_name_trgm'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Upper(django.db.models.functions.text.Concat('first_name', models.Value(' '), 'last_name')), name='gin_trgm_ops'), name='contact_full_name_trgm'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass('phone_digits', name='gin_trgm_ops'), name='contact_phone_trgm'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(django.db.models.functions.comparison.Cast('customer_number', models.TextField()), name='gin_trgm_ops'), name='contact_custno_trgm'),
        ),
        migrations.AddIndex(
            model_name='contactemail',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Upper('email'), name='gin_trgm_ops'), name='contact_email_trgm'),
        ),
    ]
