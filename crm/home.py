"""The start page's lists. Each app registers what it shows there from its
``AppConfig.ready()``, so the kernel names no feature app::

    from crm.home import register_home_list
    register_home_list("recent_contacts", lambda request: contact_recent(limit=10))

The start page's template reads each list by its name.
"""

from collections.abc import Callable, Iterable

from django.http import HttpRequest

ListItems = Callable[[HttpRequest], Iterable]
_lists: dict[str, ListItems] = {}


def register_home_list(name: str, items: ListItems) -> None:
    _lists[name] = items


def home_context(request: HttpRequest) -> dict[str, Iterable]:
    return {name: items(request) for name, items in _lists.items()}
