"""The words of the contacts' e-mail addresses, kept by the database for the e-mail search.

A word is a run of letters in an address, written in capitals: ``kari.hansen12@gmail.com``
has ``KARI``, ``HANSEN``, ``GMAIL`` and ``COM``. A term made of letters only can only
occur inside one word, so the addresses that hold it are those with a word that holds
it. The few distinct words (:class:`KnownWord`, a few hundred on a million demo contacts)
are searched instead of the million addresses, and each word's addresses lie in name
order in :class:`AddressWord`'s key: the e-mail search's page is a few short index walks
(``search.probe.email_words``), where the trigram index made PostgreSQL read every
match (29,000 addresses for «hansen», 60 ms) to sort them.

No code writes these tables: the trigger below keeps them from each write of an address
(``contacts.ContactEmail``), and so from a rename too, which rewrites its addresses' copy
of the contact's sort key. It is named ``derived_…``, so COPY keeps it on
(:func:`crm.bulk.copy_rows`). A word no address holds any longer stays known: it only
costs the search an empty index probe.
"""

import re

import pgtrigger
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models

from contacts.models import ContactEmail

# What is not part of a word: every ASCII character but the letters (digits, «.», «@»,
# «-», «_», «+», …). Letters outside ASCII (æ, ø, å) belong to words.
SEPARATORS = r"[\x01-\x40\x5b-\x60\x7b-\x7f]"
_SEPARATOR = re.compile(r"[\x00-\x40\x5b-\x60\x7b-\x7f]")


def is_one_word(term: str) -> bool:
    """Whether every match of ``term`` lies inside one word of the address (no separator)."""
    return bool(term) and not _SEPARATOR.search(term)


# The words of an address (an expression of the row ``{row}``), distinct.
_WORDS_OF = (
    "SELECT DISTINCT w FROM regexp_split_to_table(UPPER({row}.email::text), "
    f"'{SEPARATORS}+') w WHERE w <> ''"
)


class KnownWord(models.Model):
    """A word that some address holds or held: what the e-mail search looks the term up in."""

    word = models.TextField(primary_key=True, db_collation="C")

    class Meta:
        indexes = [
            # A term inside a word («hansen» in JOHANSEN), where the words are many.
            GinIndex(OpClass("word", name="gin_trgm_ops"), name="known_word_trgm"),
        ]

    def __str__(self):
        return self.word


class AddressWord(models.Model):
    """A word of an address, with the address's contact and its sort key: the key walks a
    word's addresses in the contacts' name order."""

    pk = models.CompositePrimaryKey("word", "contact_sort_key", "contact_id", "email_id")
    word = models.TextField(db_collation="C")
    contact_sort_key = models.TextField(db_collation="C")
    # Plain ids, not foreign keys: the trigger keeps them, and deleting an address or a
    # contact should not make Django collect its words first.
    contact_id = models.BigIntegerField()
    email_id = models.BigIntegerField()

    def __str__(self):
        return self.word


pgtrigger.register(
    # Each write of an address: its old words go, its new ones come (an UPDATE that leaves
    # the address, its contact and the contact's key alone, such as a new position, does
    # nothing).
    pgtrigger.Trigger(
        name="derived_address_words",
        when=pgtrigger.After,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        declare=[("words", "text[]")],
        func=f"""
    IF TG_OP = 'UPDATE' AND OLD.email = NEW.email AND OLD.contact_id = NEW.contact_id
            AND OLD.contact_sort_key = NEW.contact_sort_key THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM search_addressword
        WHERE word = ANY(ARRAY({_WORDS_OF.format(row="OLD")}))
          AND contact_sort_key = OLD.contact_sort_key
          AND contact_id = OLD.contact_id AND email_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        words := ARRAY({_WORDS_OF.format(row="NEW")});
        INSERT INTO search_knownword (word) SELECT unnest(words) ON CONFLICT DO NOTHING;
        INSERT INTO search_addressword (word, contact_sort_key, contact_id, email_id)
            SELECT w, NEW.contact_sort_key, NEW.contact_id, NEW.id FROM unnest(words) w;
    END IF;
    RETURN NULL;""",
    )
)(ContactEmail)
