"""Database triggers that turn pghistory's snapshots into timeline entries.

Why materialise: the History tab must open a contact with 20,000 events in a few
milliseconds. Reading pghistory's event tables directly would mean a UNION over four
tables plus a window over each for the "before" values, on every page. Instead, an
AFTER INSERT trigger on each event table computes the change once (comparing the
snapshot with the object's previous one, in the database, so bulk ``update()`` and raw
SQL are covered too) and writes one ``history_entry`` row on the contact's or the
company's timeline (a link's event: one on each, worded for each). The tab is then a
single indexed query on (contact or company, occurred_at DESC, id DESC), the same table
other apps write to through ``history_record``.

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


def _insert(verb: str, data: str, *, contact: str = "NULL", company: str = "NULL") -> str:
    """One entry on a contact's timeline or a company's (give one of them)."""
    return (
        f"INSERT INTO {ENTRY} (contact_id, company_id, occurred_at, actor_id, actor_label,"
        f" verb, data, target_id, private_to_id, mail) VALUES ({contact}, {company},"
        f" NEW.pgh_created_at, actor, label, '{verb}', {data}, '', NULL, false);"
    )


def _about_person(verb: str, data: str) -> str:
    """An entry on the link's company naming its person, who is its target: erasing the
    person erases it (see :func:`contact_cleanup_trigger`)."""
    return (
        f"INSERT INTO {ENTRY} (contact_id, company_id, occurred_at, actor_id, actor_label,"
        f" verb, data, target_type_id, target_id, private_to_id, mail) VALUES (NULL,"
        f" NEW.company_id, NEW.pgh_created_at, actor, label, '{verb}', {data}, {CONTACT_TYPE},"
        f" NEW.contact_id::text, NULL, false);"
    )


CONTACT_TYPE = (
    "(SELECT t.id FROM django_content_type t WHERE t.app_label = 'contacts'"
    " AND t.model = 'contact')"
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


def _trigger(name: str, body: str, declare=()) -> pgtrigger.Trigger:
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.After,
        operation=pgtrigger.Insert,
        declare=[*_DECLARE, *declare],
        func=f"{_ACTOR}{body}\n    RETURN NULL;",
    )


def contact_trigger(table: str) -> pgtrigger.Trigger:
    given = _insert(
        "contacts.customer_number_given",
        "jsonb_build_object('customer_number', NEW.customer_number)",
        contact="NEW.pgh_obj_id",
    )
    return _trigger(
        "history_contact_timeline",
        f"""
    IF NEW.pgh_label = 'created' THEN
        {_insert("contacts.created", "'{}'::jsonb", contact="NEW.pgh_obj_id")}
        IF NEW.customer_number IS NOT NULL THEN {given} END IF;
        RETURN NULL;
    END IF;
    {_changes(table)}
    IF changes ? 'customer_number' AND NEW.customer_number IS NOT NULL THEN
        {given}
        changes := changes - 'customer_number';
    END IF;
    IF changes <> '{{}}'::jsonb THEN
        {
            _insert(
                "contacts.changed",
                "jsonb_build_object('changes', changes)",
                contact="NEW.pgh_obj_id",
            )
        }
    END IF;""",
    )


def contact_email_trigger(table: str) -> pgtrigger.Trigger:
    email = "jsonb_build_object('email', NEW.email)"
    return _trigger(
        "history_contactemail_timeline",
        f"""
    IF NEW.pgh_label = 'added' THEN
        {_insert("contacts.email_added", email, contact="NEW.contact_id")}
    ELSIF NEW.pgh_label = 'removed' THEN
        {_insert("contacts.email_removed", email, contact="NEW.contact_id")}
    ELSE
        {_changes(table)}
        IF changes ? 'email' THEN
            {
            _insert(
                "contacts.email_changed",
                "jsonb_build_object('old', prev->'email', 'new', NEW.email)",
                contact="NEW.contact_id",
            )
        }
        END IF;
    END IF;""",
    )


def contact_category_trigger(table: str) -> pgtrigger.Trigger:
    return _category_trigger(
        "history_contactcategory_timeline", "contacts", contact="NEW.contact_id"
    )


def company_link_trigger(table: str) -> pgtrigger.Trigger:
    """A link's event on the person's card («knyttet kontakten til Aune Handel DA») and on
    the company («knyttet Ola Hansen til bedriften»): one entry on each timeline."""
    company = "(SELECT c.name FROM companies_company c WHERE c.id = NEW.company_id)"
    on_card = {"contact": "NEW.contact_id"}
    return _trigger(
        "history_companylink_timeline",
        f"""
    SELECT concat_ws(' ', nullif(c.first_name, ''), c.last_name) INTO person
        FROM contacts_contact c WHERE c.id = NEW.contact_id;
    IF NEW.pgh_label = 'linked' THEN
        {_insert("companies.linked", f"jsonb_build_object('company', {company})", **on_card)}
        {_about_person("companies.person_linked", "jsonb_build_object('person', person)")}
        RETURN NULL;
    ELSIF NEW.pgh_label = 'unlinked' THEN
        {_insert("companies.unlinked", f"jsonb_build_object('company', {company})", **on_card)}
        {_about_person("companies.person_unlinked", "jsonb_build_object('person', person)")}
        RETURN NULL;
    END IF;
    {_changes(table)}
    changes := changes - ARRAY['contact_id', 'company_id'];
    IF changes ? 'end_date' AND NEW.end_date IS NOT NULL THEN
        {
            _insert(
                "companies.ended",
                f"jsonb_build_object('company', {company}, 'end_date', NEW.end_date)",
                **on_card,
            )
        }
        {
            _about_person(
                "companies.person_ended",
                "jsonb_build_object('person', person, 'end_date', NEW.end_date)",
            )
        }
        changes := changes - 'end_date';
    END IF;
    IF changes <> '{{}}'::jsonb THEN
        {
            _insert(
                "companies.link_changed",
                f"jsonb_build_object('company', {company}, 'changes', changes)",
                **on_card,
            )
        }
        {
            _about_person(
                "companies.person_link_changed",
                "jsonb_build_object('person', person, 'changes', changes)",
            )
        }
    END IF;""",
        declare=[("person", "text")],
    )


def company_trigger(table: str) -> pgtrigger.Trigger:
    on_company = {"company": "NEW.pgh_obj_id"}
    given = _insert(
        "companies.customer_number_given",
        "jsonb_build_object('customer_number', NEW.customer_number)",
        **on_company,
    )
    return _trigger(
        "history_company_timeline",
        f"""
    IF NEW.pgh_label = 'created' THEN
        {_insert("companies.created", "'{}'::jsonb", **on_company)}
        IF NEW.customer_number IS NOT NULL THEN {given} END IF;
        RETURN NULL;
    END IF;
    {_changes(table)}
    IF changes ? 'customer_number' AND NEW.customer_number IS NOT NULL THEN
        {given}
        changes := changes - 'customer_number';
    END IF;
    IF changes <> '{{}}'::jsonb THEN
        {_insert("companies.changed", "jsonb_build_object('changes', changes)", **on_company)}
    END IF;""",
    )


def company_category_trigger(table: str) -> pgtrigger.Trigger:
    return _category_trigger(
        "history_companycategory_timeline", "companies", company="NEW.company_id"
    )


def _category_trigger(name: str, app: str, **owner: str) -> pgtrigger.Trigger:
    """A category given to or taken from a contact or a company (``owner``)."""
    category = (
        "jsonb_build_object('category', (SELECT c.name FROM contacts_category c"
        " WHERE c.id = NEW.category_id))"
    )
    return _trigger(
        name,
        f"""
    IF NEW.pgh_label = 'added' THEN
        {_insert(f"{app}.category_added", category, **owner)}
    ELSE
        {_insert(f"{app}.category_removed", category, **owner)}
    END IF;""",
    )


def contact_cleanup_trigger() -> pgtrigger.Trigger:
    """Deleting a contact deletes its timeline and snapshots (its data goes with it), and
    the entries naming it on the companies it was linked to.

    Django deletes the contact's e-mail addresses and links before the contact, and
    their delete events add entries; this runs last, so none are left behind."""
    return pgtrigger.Trigger(
        name="history_contact_erase",
        when=pgtrigger.After,
        operation=pgtrigger.Delete,
        func=f"""
    DELETE FROM {ENTRY} WHERE contact_id = OLD.id;
    -- Through the link snapshots: the companies' timeline index, not a scan of all entries.
    DELETE FROM {ENTRY} e
        WHERE e.company_id IN (SELECT l.company_id FROM history_companylinkevent l
                               WHERE l.contact_id = OLD.id)
          AND e.target_type_id = {CONTACT_TYPE} AND e.target_id = OLD.id::text;
    DELETE FROM history_contactevent WHERE pgh_obj_id = OLD.id;
    DELETE FROM history_contactemailevent WHERE contact_id = OLD.id;
    DELETE FROM history_contactcategoryevent WHERE contact_id = OLD.id;
    DELETE FROM history_companylinkevent WHERE contact_id = OLD.id;
    RETURN NULL;""",
    )


def company_cleanup_trigger() -> pgtrigger.Trigger:
    """Deleting a company deletes its timeline and snapshots; its people keep theirs
    («fjernet koblingen til Aune Handel DA» stays on each card).

    Like a contact's: the entries its links' and categories' delete events add while
    Django deletes them go here, after the company row."""
    return pgtrigger.Trigger(
        name="history_company_erase",
        when=pgtrigger.After,
        operation=pgtrigger.Delete,
        func=f"""
    DELETE FROM {ENTRY} WHERE company_id = OLD.id;
    DELETE FROM history_companyevent WHERE pgh_obj_id = OLD.id;
    DELETE FROM history_companycategoryevent WHERE company_id = OLD.id;
    RETURN NULL;""",
    )
