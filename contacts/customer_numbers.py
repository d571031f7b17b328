"""The customer-number series shared by companies and private customers.

A PostgreSQL sequence hands the numbers out: unique, never reused, and safe when two
requests ask at the same moment (``nextval`` never gives the same value twice, even in
transactions that roll back, so a number is skipped rather than ever handed out again).

Numbers brought in from another system (an import) are kept as they are, so the series
must then continue above the highest of them, and no number may end up on a contact and
a company at once (each table's unique constraint sees only its own rows). An advisory
lock keeps the two apart: whoever takes a number from the series holds it shared (many
at once), whoever keeps given numbers holds it alone, from its check until its commit.
"""

from django.db import connection

SEQUENCE = "customer_number_seq"
FIRST_NUMBER = 10000
# pg_advisory_xact_lock's key for the series (any bigint no other lock uses).
SERIES_LOCK = 7_310_001


def next_customer_number() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [SERIES_LOCK])
        cursor.execute("SELECT nextval(%s)", [SEQUENCE])
        return cursor.fetchone()[0]


def lock_series() -> None:
    """Hold the series alone until the transaction ends (call inside ``atomic``)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SERIES_LOCK])


def continue_series_above(highest: int) -> None:
    """Make the series hand out numbers above ``highest`` (kept numbers); call with
    :func:`lock_series` held, so no one takes a number between the read and the set."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(%s, %s) FROM (SELECT last_value FROM customer_number_seq) s"
            " WHERE s.last_value <= %s",
            [SEQUENCE, highest, highest],
        )
