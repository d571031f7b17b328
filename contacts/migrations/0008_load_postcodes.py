"""Load the shipped copy of Posten's postcode register (contacts/data/README.md)."""

from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "postnummerregister.tsv"


def load(apps, schema_editor):
    PostalCode = apps.get_model("contacts", "PostalCode")
    rows = {}
    for line in DATA.read_text(encoding="utf-8").splitlines():
        columns = line.split("\t")
        if len(columns) >= 2 and len(columns[0]) == 4 and columns[0].isdigit():
            rows[columns[0]] = PostalCode(postcode=columns[0], town=columns[1].strip())
    PostalCode.objects.bulk_create(rows.values(), batch_size=2000, ignore_conflicts=True)


def unload(apps, schema_editor):
    apps.get_model("contacts", "PostalCode").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("contacts", "0007_postal_codes")]

    operations = [migrations.RunPython(load, unload)]
