"""Upkeep of the e-mail search's address words (:mod:`search.models`)."""

from django.db import connection, transaction

from .models import AddressWord, KnownWord


@transaction.atomic
def address_words_prune() -> int:
    """Forget the known words that no address holds any longer (an address changed or
    deleted, a person erased), and return how many went.

    The trigger that writes an address adds its words to the known ones and never takes
    one away: two transactions could otherwise remove a word while a third adds an address
    that holds it. Here the table is locked against new words first (``SHARE``: the
    transactions writing addresses finish, and new ones wait until this one ends), so an
    address committed before the lock is seen, and none can come in meanwhile."""
    words, addresses = KnownWord._meta.db_table, AddressWord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {words} IN SHARE MODE")
        cursor.execute(
            f"DELETE FROM {words} k WHERE NOT EXISTS "
            f"(SELECT 1 FROM {addresses} a WHERE a.word = k.word)"
        )
        return cursor.rowcount
