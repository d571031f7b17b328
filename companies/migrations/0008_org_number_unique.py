# One company per org.nr (issue 18). The existing data is checked first: when two or more
# companies share an org.nr the migration stops and names them, so the administrator
# merges them (the duplicates app migrates without this one) and runs it again. Blank
# org.nr stays allowed.

from django.db import migrations, models


class DuplicateOrgNumbers(Exception):
    pass


def duplicate_org_numbers(Company) -> dict[str, list[int]]:
    """{org.nr: [company ids]} for every org.nr held by more than one company."""
    from django.contrib.postgres.aggregates import ArrayAgg
    from django.db.models import Count

    rows = (
        Company.objects.exclude(org_number="")
        .values("org_number")
        .annotate(ids=ArrayAgg("id", order_by="id"), n=Count("id"))
        .filter(n__gt=1)
        .order_by("org_number")
    )
    return {row["org_number"]: row["ids"] for row in rows}


def refuse_duplicates(apps, schema_editor):
    found = duplicate_org_numbers(apps.get_model("companies", "Company"))
    if found:
        lines = "\n".join(
            f"  org.nr {number}: companies {', '.join(map(str, ids))}"
            for number, ids in found.items()
        )
        raise DuplicateOrgNumbers(
            "Organisation numbers must be unique, but these are held by more than one "
            "company. Run `manage.py migrate duplicates` (which does not need this one), "
            "merge each group into one (Duplikater → Bedrifter in the CRM, as an "
            f"administrator) and run the migration again:\n{lines}"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('companies', '0007_register_unit_labels'),
    ]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='company',
            constraint=models.UniqueConstraint(condition=models.Q(('org_number', ''), _negated=True), fields=('org_number',), name='company_orgnr_unique', violation_error_message='Another company has this organisation number.'),
        ),
    ]
