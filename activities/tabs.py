"""The tabs of a project page. Apps register theirs; see crm/tabs.py."""

from crm.tabs import TabSet

project_tabs = TabSet(order=["participants", "notes", "files"])
