from django.db import migrations, models
from django.db.models.functions import Cast


def unname_private_notes(apps, schema_editor):
    """Django admin's log named each note it recorded by its first 60 characters; for a
    private note that is text no one but its author may read. From here on Note.__str__
    names a private note neutrally; this does the same for the entries already logged."""
    from django.utils.translation import gettext

    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("admin", "LogEntry")
    Note = apps.get_model("activities", "Note")
    note_type = ContentType.objects.filter(app_label="activities", model="note").first()
    if note_type is None:
        return
    private_keys = (
        Note.objects.filter(private=True)
        .annotate(key=Cast("pk", models.TextField()))
        .values("key")
    )
    LogEntry.objects.filter(content_type=note_type, object_id__in=private_keys).update(
        object_repr=gettext("Private note")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0003_note_author_outlives_user"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(unname_private_notes, migrations.RunPython.noop)]
