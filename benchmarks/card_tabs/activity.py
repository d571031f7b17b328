"""The «Aktivitet» time line with the notes, appointments and tasks the activities tabs give
the benchmark contact (plus whatever e-mail and orders their own modules added)."""

from card_tabs.appointments import build_all

TAB = "activity"


def build(contact) -> None:
    build_all(contact)
