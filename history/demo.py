"""History for the demo data: the bulk loader (COPY) bypasses the capture triggers, so
the contacts it added get their baseline snapshots and a «created» entry here, in a few
set-based statements instead of several trigger calls per row."""

from django.db import connection

from .models import Entry

# (event table, source table, the source's column that names the contact)
_SNAPSHOTS = [
    ("ContactEvent", "contacts_contact", "id"),
    ("ContactEmailEvent", "contacts_contactemail", "contact_id"),
    ("ContactCategoryEvent", "contacts_contact_categories", "contact_id"),
    ("CompanyLinkEvent", "companies_companylink", "contact_id"),
]


def seed(ctx):
    if not ctx.new_contact_ids:
        return
    from django.apps import apps

    with connection.cursor() as cursor:
        for model_name, source, contact_column in _SNAPSHOTS:
            event = apps.get_model("history", model_name)
            columns = ", ".join(
                f.column for f in event._meta.concrete_fields if not f.name.startswith("pgh_")
            )
            # 'baseline': a "before" for the first real change; the timeline skips it.
            cursor.execute(
                f"INSERT INTO {event._meta.db_table} ({columns}, pgh_created_at, pgh_label,"
                f" pgh_obj_id) SELECT {columns}, now(), 'baseline', id FROM {source}"
                f" WHERE {contact_column} = ANY(%s)",
                [ctx.new_contact_ids],
            )
        cursor.execute(
            f"INSERT INTO {Entry._meta.db_table} (contact_id, occurred_at, actor_id,"
            " actor_label, verb, data, target_id, private_to_id, mail)"
            " SELECT id, created_at, NULL, 'seed_demo', 'contacts.created', '{}'::jsonb, '',"
            " NULL, false FROM contacts_contact WHERE id = ANY(%s)",
            [ctx.new_contact_ids],
        )
