"""The notes tab with 500 notes on the benchmark contact."""

from card_tabs.appointments import build_all

TAB = "notes"


def build(contact) -> None:
    build_all(contact)
