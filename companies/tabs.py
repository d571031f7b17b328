"""The tabs of a company page. Apps register theirs; see crm/tabs.py."""

from crm.tabs import TabSet

company_tabs = TabSet(order=["people", "notes", "files", "orders", "history"])
