# The indexes the lookalike checks use (duplicates/matching.py) on the contacts' and
# companies' tables. They live here, with the feature that reads them, so contacts and
# companies keep no index for a feature they do not know. E-mail (lower) and org.nr
# have theirs already (contact_email_lower_idx, company_orgnr_idx).

from django.db import migrations

INDEXES = [
    # Same phone: the three phone columns (stored E.164), one btree each; a BitmapOr.
    ("dup_contact_mobile_idx", "contacts_contact (mobile) WHERE mobile <> ''"),
    ("dup_contact_work_phone_idx", "contacts_contact (work_phone) WHERE work_phone <> ''"),
    ("dup_contact_private_phone_idx", "contacts_contact (private_phone) WHERE private_phone <> ''"),
    # A similar name in the same postcode: the postcode's rows, with the names beside it
    # so similarity() is computed without visiting the table.
    (
        "dup_contact_postcode_idx",
        "contacts_contact (postcode) INCLUDE (first_name, last_name) WHERE postcode <> ''",
    ),
    ("dup_company_phone_idx", "companies_company (phone) WHERE phone <> ''"),
    ("dup_company_email_idx", "companies_company (lower(email)) WHERE email <> ''"),
    ("dup_company_postcode_idx", "companies_company (postcode) INCLUDE (name) WHERE postcode <> ''"),
]


class Migration(migrations.Migration):

    dependencies = [
        ('duplicates', '0001_initial'),
        ('contacts', '0009_retired_customer_numbers'),
        ('companies', '0005_search_phone_email'),
    ]

    operations = [
        migrations.RunSQL(
            [f"CREATE INDEX IF NOT EXISTS {name} ON {target}" for name, target in INDEXES],
            [f"DROP INDEX IF EXISTS {name}" for name, _target in INDEXES],
        ),
    ]
