"""Database triggers that turn pghistory's snapshots into timeline entries.

Why materialise: the History tab must open a contact with 20,000 events in a few
milliseconds. Reading pghistory's event tables directly would mean a UNION over four
tables plus a window over each for the "before" values, on every page. Instead, an
AFTER INSERT trigger on each event table computes the change once (comparing the
snapshot with the object's previous one, in the database, so bulk ``update()`` and raw
SQL are covered too) and writes one ``history_entry`` row. The tab is then a single
indexed query on (contact, occurred_at DESC, id DESC), the same table other apps write
to through ``history_record``.

The actor comes from pghistory's context: ``user`` (set by its middleware on every
request, CRM pages and Django admin alike) or ``command`` (set for management commands,
see ``history/commands.py``).
"""

import pgtrigger

ENTRY = "history_entry"
CONTEXT = "pghistory_context"

# Columns of a snapshot that are not the tracked row's data.
_PGH_COLUMNS = "ARRAY['pgh_id','pgh_created_at','pgh_label','pgh_obj_id','pgh_context_id','id']"

_DECLARE = [
    ("meta", "jsonb"),
    ("actor", "integer"),
    ("label", "text"),
    ("prev", "jsonb"),
    ("changes", "jsonb"),
]

_ACTOR = f"""
    IF NEW.pgh_label = 'baseline' THEN RETURN NULL; END IF;
    SELECT c.metadata INTO meta FROM {CONTEXT} c WHERE c.id = NEW.pgh_context_id;
    SELECT u.id INTO actor FROM auth_user u WHERE u.id::text = meta->>'user';
    label := left(coalesce(meta->>'command', ''), 100);
"""


def _insert(contact: str, verb: str, data: str) -> str:
    return (
        f"INSERT INTO {ENTRY} (contact_id, occurred_at, actor_id, actor_label, verb, data,"
        f" target_id, private_to_id, mail) VALUES ({contact}, NEW.pgh_created_at, actor,"
        f" label, '{verb}', {data}, '', NULL, false);"
    )


def _changes(table: str) -> str:
    """Fill ``changes`` with {column: [old, new]} against the object's previous snapshot."""
    return f"""
    SELECT to_jsonb(e) INTO prev FROM {table} e
        WHERE e.pgh_obj_id = NEW.pgh_obj_id AND e.pgh_id < NEW.pgh_id
        ORDER BY e.pgh_id DESC LIMIT 1;
    SELECT coalesce(jsonb_object_agg(t.k, jsonb_build_array(prev->t.k, t.v)), '{{}}')
        INTO changes FROM jsonb_each(to_jsonb(NEW) - {_PGH_COLUMNS}) AS t(k, v)
        WHERE (prev->t.k) IS DISTINCT FROM t.v;
"""


def _trigger(name: str, body: str) -> pgtrigger.Trigger:
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.After,
        operation=pgtrigger.Insert,
        declare=_DECLARE,
        func=f"{_ACTOR}{body}\n    RETURN NULL;",
    )


def contact_trigger(table: str) -> pgtrigger.Trigger:
    given = _insert(
        "NEW.pgh_obj_id",
        "contacts.customer_number_given",
        "jsonb_build_object('customer_number', NEW.customer_number)",
    )
    return _trigger(
        "history_contact_timeline",
        f"""
    IF NEW.pgh_label = 'created' THEN
        {_insert("NEW.pgh_obj_id", "contacts.created", "'{}'::jsonb")}
        IF NEW.customer_number IS NOT NULL THEN {given} END IF;
        RETURN NULL;
    END IF;
    {_changes(table)}
    IF changes ? 'customer_number' AND NEW.customer_number IS NOT NULL THEN
        {given}
        changes := changes - 'customer_number';
    END IF;
    IF changes <> '{{}}'::jsonb THEN
        {_insert("NEW.pgh_obj_id", "contacts.changed", "jsonb_build_object('changes', changes)")}
    END IF;""",
    )


def contact_email_trigger(table: str) -> pgtrigger.Trigger:
    email = "jsonb_build_object('email', NEW.email)"
    return _trigger(
        "history_contactemail_timeline",
        f"""
    IF NEW.pgh_label = 'added' THEN
        {_insert("NEW.contact_id", "contacts.email_added", email)}
    ELSIF NEW.pgh_label = 'removed' THEN
        {_insert("NEW.contact_id", "contacts.email_removed", email)}
    ELSE
        {_changes(table)}
        IF changes ? 'email' THEN
            {
            _insert(
                "NEW.contact_id",
                "contacts.email_changed",
                "jsonb_build_object('old', prev->'email', 'new', NEW.email)",
            )
        }
        END IF;
    END IF;""",
    )


def contact_category_trigger(table: str) -> pgtrigger.Trigger:
    category = (
        "jsonb_build_object('category', (SELECT c.name FROM contacts_category c"
        " WHERE c.id = NEW.category_id))"
    )
    return _trigger(
        "history_contactcategory_timeline",
        f"""
    IF NEW.pgh_label = 'added' THEN
        {_insert("NEW.contact_id", "contacts.category_added", category)}
    ELSE
        {_insert("NEW.contact_id", "contacts.category_removed", category)}
    END IF;""",
    )


def company_link_trigger(table: str) -> pgtrigger.Trigger:
    company = "(SELECT c.name FROM companies_company c WHERE c.id = NEW.company_id)"
    return _trigger(
        "history_companylink_timeline",
        f"""
    IF NEW.pgh_label = 'linked' THEN
        {
            _insert(
                "NEW.contact_id", "companies.linked", f"jsonb_build_object('company', {company})"
            )
        }
        RETURN NULL;
    ELSIF NEW.pgh_label = 'unlinked' THEN
        {
            _insert(
                "NEW.contact_id", "companies.unlinked", f"jsonb_build_object('company', {company})"
            )
        }
        RETURN NULL;
    END IF;
    {_changes(table)}
    changes := changes - ARRAY['contact_id', 'company_id'];
    IF changes ? 'end_date' AND NEW.end_date IS NOT NULL THEN
        {
            _insert(
                "NEW.contact_id",
                "companies.ended",
                f"jsonb_build_object('company', {company}, 'end_date', NEW.end_date)",
            )
        }
        changes := changes - 'end_date';
    END IF;
    IF changes ? 'position' THEN
        {
            _insert(
                "NEW.contact_id",
                "companies.position_changed",
                f"jsonb_build_object('company', {company}, 'old', changes->'position'->0,"
                " 'new', NEW.position)",
            )
        }
        changes := changes - 'position';
    END IF;
    IF changes <> '{{}}'::jsonb THEN
        {
            _insert(
                "NEW.contact_id",
                "companies.link_changed",
                f"jsonb_build_object('company', {company}, 'changes', changes)",
            )
        }
    END IF;""",
    )


def contact_cleanup_trigger() -> pgtrigger.Trigger:
    """Deleting a contact deletes its timeline and snapshots (its data goes with it).

    Django deletes the contact's e-mail addresses and links before the contact, and
    their delete events add entries; this runs last, so none are left behind."""
    return pgtrigger.Trigger(
        name="history_contact_erase",
        when=pgtrigger.After,
        operation=pgtrigger.Delete,
        func=f"""
    DELETE FROM {ENTRY} WHERE contact_id = OLD.id;
    DELETE FROM history_contactevent WHERE pgh_obj_id = OLD.id;
    DELETE FROM history_contactemailevent WHERE contact_id = OLD.id;
    DELETE FROM history_contactcategoryevent WHERE contact_id = OLD.id;
    DELETE FROM history_companylinkevent WHERE contact_id = OLD.id;
    RETURN NULL;""",
    )
