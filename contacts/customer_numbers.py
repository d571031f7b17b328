"""The customer-number series shared by companies and private customers.

A PostgreSQL sequence hands the numbers out: unique, never reused, and safe when two
requests ask at the same moment (``nextval`` never gives the same value twice, even in
transactions that roll back, so a number is skipped rather than ever handed out again).

An administrator may also set a number by hand (one kept from the old system). A number
is then unique across contacts and companies: each table's unique constraint covers its
own rows, and for the two together every writer of a number first takes a transaction
lock on that number (:func:`claim_customer_number`), so two transactions cannot both see
it free. The series then goes on above the highest number set by hand, and skips any
number it meets that is already in use.

A number retired by a merge (``RetiredCustomerNumber``) is skipped too, should the
sequence ever be set back to it, and :func:`customer_number_is_retired` tells a form or
an import that sets a number by hand that it may not.

An import keeps the numbers it brings in, checked against both tables in bulk rather
than one lock a number: it holds the series alone (:func:`lock_series`) from its check
until its commit, while whoever takes a number from the series or claims one by hand
holds it shared (many at once). The series then continues above the highest number
imported (:func:`continue_series_above`).
"""

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils.translation import gettext as _

SEQUENCE = "customer_number_seq"
FIRST_NUMBER = 10000
# KID = customer number + seven-digit invoice number + check digit, at most 25 digits
# (orders/kid.py): twelve digits leave room, and no Norwegian system uses more.
MAX_NUMBER = 999_999_999_999  # as the refusal below says
# The first key of the two-key advisory lock: one namespace for customer numbers.
_LOCK_SPACE = 7117

# The models that hold customer numbers; companies registers itself from its AppConfig.
_holders: list[type[models.Model]] = []


def register_holder(model: type[models.Model]) -> None:
    if model not in _holders:
        _holders.append(model)


def _lock(number: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, mod(%s::bigint, 2147483647)::int)",
            [_LOCK_SPACE, number],
        )


def holder_of(number: int, *, exclude: models.Model | None = None) -> models.Model | None:
    """The contact or company that has this number (other than ``exclude``), if any."""
    for model in _holders:
        rows = model._default_manager.filter(customer_number=number)
        if exclude is not None and isinstance(exclude, model) and exclude.pk:
            rows = rows.exclude(pk=exclude.pk)
        found = rows.first()
        if found is not None:
            return found
    return None


# pg_advisory_xact_lock's key for the series (any bigint no other lock uses).
SERIES_LOCK = 7_310_001


def next_customer_number() -> int:
    """The next free number of the series (call inside the transaction that saves it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [SERIES_LOCK])
        while True:
            cursor.execute("SELECT nextval(%s)", [SEQUENCE])
            number = cursor.fetchone()[0]
            _lock(number)
            if holder_of(number) is None and not customer_number_is_retired(number):
                return number


def claim_customer_number(number: int, *, holder: models.Model) -> None:
    """Reserve ``number`` for ``holder`` until the transaction ends, or refuse it.

    Call inside the transaction that saves the number. The series is moved past it, so
    numbers handed out later are higher than any set by hand.
    """
    if not 1 <= number <= MAX_NUMBER:
        raise ValidationError(
            {
                "customer_number": _(
                    "A customer number is a whole number from 1 to 999 999 999 999."
                )
            },
            code="invalid",
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [SERIES_LOCK])
    _lock(number)
    if customer_number_is_retired(number):
        raise ValidationError(
            {
                "customer_number": _(
                    "Customer number %(number)s was retired by a merge and is not used again."
                )
                % {"number": number}
            },
            code="customer_number_retired",
        )
    other = holder_of(number, exclude=holder)
    if other is not None:
        raise ValidationError(
            {
                "customer_number": _("Customer number %(number)s is already used by %(name)s.")
                % {"number": number, "name": other}
            },
            code="customer_number_taken",
        )
    with connection.cursor() as cursor:
        # Only ever forward: setval to a lower value would hand out numbers again.
        cursor.execute(
            f"SELECT setval(%s, %s) FROM {SEQUENCE} WHERE last_value < %s",
            [SEQUENCE, number, number],
        )


def customer_number_set(*, holder: models.Model, number: int | None) -> None:
    """Put a number chosen by hand on ``holder`` (not saved yet), claimed as above.

    A number once given stays a number: it may be changed, not removed, as orders and
    invoices refer to the customer by it.
    """
    if number == holder.customer_number:
        return
    if number is None:
        raise ValidationError(
            {"customer_number": _("A customer number can be changed, but not removed.")},
            code="customer_number_required",
        )
    claim_customer_number(number, holder=holder)
    holder.customer_number = number


def is_customer_number_clash(error: Exception) -> bool:
    """Whether an IntegrityError is the unique customer number of one table (a clash the
    lock above should prevent; kept as a form error should another writer skip the lock)."""
    constraint = getattr(getattr(error, "__cause__", None), "diag", None)
    name = getattr(constraint, "constraint_name", "") or ""
    return "customer_number" in name or "customer_number" in str(error)


def customer_number_taken(number) -> ValidationError:
    return ValidationError(
        {
            "customer_number": _("Customer number %(number)s is already in use.")
            % {"number": number}
        },
        code="customer_number_taken",
    )


def customer_number_is_retired(number: int) -> bool:
    """Whether ``number`` was retired by a merge: a form or an import that sets a number
    by hand refuses it."""
    from .models import RetiredCustomerNumber

    return RetiredCustomerNumber.objects.filter(number=number).exists()


def lock_series() -> None:
    """Hold the series alone until the transaction ends (call inside ``atomic``): an
    import, while it checks the numbers it keeps against both tables and saves them."""
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
