"""PostgreSQL's JIT compilation off for this database.

The CRM's statements are short lookups, but the search's probes hold several plans in one
statement, under conditions PostgreSQL tests first (search/probe.py), and the planner
prices every branch as if it ran. Where its estimate of a branch that never runs passes
``jit_above_cost`` (100,000), PostgreSQL compiles the statement before running it: 0.6 s
for a note search that then took 15 ms. Turned off for the database, a default of its new
connections that PgBouncer in transaction mode passes on (a connection's own ``SET`` would
not survive there). Only the database's owner may: where the migrating user is not, the
migration warns and changes nothing (then set ``jit = off`` in postgresql.conf).
"""

from django.db import migrations

OFF = """
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    RAISE WARNING 'JIT stays on: only the owner of database % may turn it off '
        '(set jit = off in postgresql.conf)', current_database();
END $$;
"""
ON = """
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I RESET jit', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunSQL(OFF, ON)]
