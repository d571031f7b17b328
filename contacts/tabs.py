"""The tabs of the contact card (K1). Apps register theirs; see crm/tabs.py."""

from crm.tabs import TabSet

card_tabs = TabSet(
    order=[
        "companies",
        "activity",
        "appointments",
        "tasks",
        "notes",
        "history",
        "services",
        "files",
        "email",
        "orders",
    ]
)
