from stdnum import luhn

from orders.kid import kid_for, kid_is_valid


def test_kid_is_customer_number_invoice_number_and_a_mod10_check_digit():
    kid = kid_for(customer_number=10001, invoice_number=42)
    assert kid.startswith("100010000042")
    assert len(kid) == 13
    assert luhn.is_valid(kid)
    assert kid_is_valid(kid)


def test_known_mod10_check_digit():
    # 7992739871 → 3 is the textbook Luhn example.
    assert kid_for(customer_number=799, invoice_number=2739871) == "79927398713"


def test_a_changed_digit_fails_the_check():
    kid = kid_for(customer_number=10001, invoice_number=7)
    wrong = kid[:-2] + str((int(kid[-2]) + 1) % 10) + kid[-1]
    assert not kid_is_valid(wrong)
    assert not kid_is_valid("abc")
