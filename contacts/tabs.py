"""The tabs of the contact card (K1). Apps register theirs; see crm/tabs.py."""

from crm.tabs import TabSet

card_tabs = TabSet(
    order=[
        "companies",
        "appointments",
        "tasks",
        "notes",
        "activity",
        "history",
        "services",
        "files",
        "email",
        "orders",
    ],
    url_name="contacts:tab",
)
