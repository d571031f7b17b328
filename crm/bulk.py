"""Fast bulk loading with PostgreSQL COPY, for demo data and imports of many rows."""

from collections.abc import Iterable, Sequence

from django.db import connection


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


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """COPY rows into a table (None becomes NULL). The caller owns the transaction."""
    column_list = ", ".join(f'"{c}"' for c in columns)
    sql = f'COPY "{table}" ({column_list}) FROM STDIN'
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
