"""The customer-number series shared by companies and private customers.

A PostgreSQL sequence hands the numbers out: unique, never reused, and safe when two
requests ask at the same moment (``nextval`` never gives the same value twice, even in
transactions that roll back, so a number is skipped rather than ever handed out again).
A number retired by a merge (``RetiredCustomerNumber``) is skipped too, should the
sequence ever be set back to it, and :func:`customer_number_is_retired` tells a form or
an import that sets a number by hand that it may not.
"""

from django.db import connection

SEQUENCE = "customer_number_seq"
FIRST_NUMBER = 10000


def next_customer_number() -> int:
    from .models import RetiredCustomerNumber

    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT nextval(%s)", [SEQUENCE])
            number = cursor.fetchone()[0]
            if not RetiredCustomerNumber.objects.filter(number=number).exists():
                return number


def customer_number_is_retired(number: int) -> bool:
    """Whether ``number`` was retired by a merge: a form or an import that sets a number
    by hand refuses it."""
    from .models import RetiredCustomerNumber

    return RetiredCustomerNumber.objects.filter(number=number).exists()
