"""The tasks tab with 500 tasks on the benchmark contact."""

from card_tabs.appointments import build_all

TAB = "tasks"


def build(contact) -> None:
    build_all(contact)
