"""KID (kundeidentifikasjon) for paying an invoice, with a MOD10 (Luhn) check digit.

The KID is the customer number, the invoice number padded to seven digits and the
check digit: the bank validates the check digit, and the customer number plus invoice
number let a payment be matched by eye as well as by machine. At most 25 digits (Nets).
"""

import re

from stdnum import luhn


def kid_for(*, customer_number: int, invoice_number: int) -> str:
    base = f"{customer_number}{invoice_number:07d}"
    return base + luhn.calc_check_digit(base)


def kid_is_valid(kid: str) -> bool:
    return re.fullmatch(r"[0-9]{2,25}", kid) is not None and luhn.is_valid(kid)
