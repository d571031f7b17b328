"""The PostgreSQL advisory locks of the mailbox.

An advisory lock is named by two integers. The first is the kind of lock; the mailbox
took 7410 and 7411, numbers no other part of the project uses (none takes advisory
locks today): keep them apart from any that a new one picks.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import DEFAULT_DB_ALIAS, connection, connections

# One sync per account at a time, however many workers run: (SYNC_LOCK, account id),
# held for the whole sync. The sync commits chunk by chunk on the default connection, so
# the lock lives in a transaction of its own on a second connection, open for the sync:
# a transaction-level lock, which PgBouncer in transaction mode keeps on one server
# connection (a session-level lock there could be taken on one server connection and
# "released" on another, and so never be released).
SYNC_LOCK = 7410

# One linking at a time, until its transaction commits. Linking reads what others write:
# a sync writes a message and then looks for contacts with its addresses, while a contact
# save writes an address and then looks for messages carrying it. Run side by side, each
# would miss the other's uncommitted row and the message would never be linked; two syncs
# of one message into linking mailboxes would both find it unlinked and put it on the
# timeline twice. Held only from linking to commit, after the slow part of a sync.
# Threading new messages (storing._threads_assign) takes it too, for the same reason: two
# syncs storing a message and its reply side by side would each miss the other's row.
LINK_LOCK = (7411, 0)


@contextlib.contextmanager
def account_sync_lock(account_id: int) -> Iterator[bool]:
    """Take the account's sync lock if no one holds it: yields whether it was taken (and
    then releases it on leaving); never waits."""
    holder = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        holder.set_autocommit(False)
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [SYNC_LOCK, account_id])
            taken = cursor.fetchone()[0]
        yield taken
    finally:
        # The rollback ends the transaction and with it the lock (before closing, so that
        # a pooler keeps its server connection instead of dropping one left mid-transaction).
        try:
            holder.rollback()
        finally:
            holder.close()


def link_lock_hold() -> None:
    """Wait for the linking lock and hold it until the current transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", list(LINK_LOCK))
