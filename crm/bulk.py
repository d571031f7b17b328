"""Fast bulk loading with PostgreSQL COPY, for demo data and imports of many rows."""

from collections.abc import Iterable, Sequence

from django.db import connection

# How pgtrigger names a trigger declared as ``derived_…`` (see copy_rows).
DERIVED_PREFIX = "pgtrigger_derived_"


def reserve_ids(table: str, count: int) -> list[int]:
    """Take ``count`` ids from the table's id sequence, so rows can be COPYed with ids."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def next_values(sequence: str, count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, count])
        return [row[0] for row in cursor.fetchall()]


def copy_rows(
    table: str, columns: Sequence[str], rows: Iterable[Sequence], *, without_triggers: bool = False
) -> None:
    """COPY rows into a table (None becomes NULL). The caller owns the transaction.

    ``without_triggers``: the table's own triggers (the history capture) do not fire for
    these rows; foreign keys are still checked. For demo data and imports that record
    their history in one set-based step afterwards (see history/demo.py), instead of a
    trigger call per row. Needs ownership of the table, and locks it until commit. The
    triggers that keep a derived column (named ``derived_…``, such as an address's copy of
    its contact's sort key) still fire: without them the rows would be wrong, not late.
    """
    column_list = ", ".join(f'"{c}"' for c in columns)
    sql = f'COPY "{table}" ({column_list}) FROM STDIN'
    with connection.cursor() as cursor:
        skipped = []
        if without_triggers:
            # ALTER TABLE refuses while deferred foreign-key checks are queued: check them
            # now, and the copied rows' as they arrive, then defer again as Django does.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass"
                " AND NOT tgisinternal AND tgenabled <> 'D' AND NOT starts_with(tgname, %s)",
                [f'"{table}"', DERIVED_PREFIX],
            )
            skipped = [name for (name,) in cursor.fetchall()]
            for name in skipped:
                cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER "{name}"')
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        if without_triggers:
            for name in skipped:
                cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER "{name}"')
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
