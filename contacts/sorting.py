"""A sort key that puts names in Norwegian order on any PostgreSQL build.

The embedded PostgreSQL has no ICU, and C order gives Å Æ Ø and splits upper from lower
case. The key lowercases and maps Æ Ø Å (and their Swedish/German look-alikes Ä Ö, and
accented letters) to characters that sort after z in C order, so a column with
``COLLATE "C"`` orders … x y z æ ø å, case-blind. Only immutable functions are used, so
the key can be a stored generated column.
"""

from django.db.models import Func, TextField, Value

# Both cases listed: lower() on a database with C locale folds ASCII letters only.
SORT_FROM = "ÆØÅæøåÄÖäöÜüÉÈÊËéèêëÁÀÂáàâÓÒÔóòôÍÌÎíìîÚÙÛúùûÇçÑñ"
SORT_TO = "{|}{|}{|{|yyeeeeeeeeaaaaaaooooooiiiiiiuuuuuuccnn"
assert len(SORT_FROM) == len(SORT_TO)


class NorwegianSortKey(Func):
    function = "TRANSLATE"
    output_field = TextField()

    def __init__(self, expression, **extra):
        super().__init__(
            Func(expression, function="LOWER"), Value(SORT_FROM), Value(SORT_TO), **extra
        )


def norwegian_sort_key(text: str) -> str:
    """The same key in Python, for sorting lists that never reach the database."""
    return text.lower().translate(str.maketrans(SORT_FROM, SORT_TO))
