"""The customer-number series shared by companies and private customers.

A PostgreSQL sequence hands the numbers out: unique, never reused, and safe when two
requests ask at the same moment (``nextval`` never gives the same value twice, even in
transactions that roll back, so a number is skipped rather than ever handed out again).
"""

from django.db import connection

SEQUENCE = "customer_number_seq"
FIRST_NUMBER = 10000


def next_customer_number() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [SEQUENCE])
        return cursor.fetchone()[0]
