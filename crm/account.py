"""The sections of «Min konto». Each app that has something of the user's own to show
there (API tokens, calendar feeds, …) registers a template from its ``AppConfig.ready()``,
so the kernel and the account page name no feature app::

    from crm.account import register_account_section
    register_account_section("calendar_feeds", "api/partials/calendar_feeds.html")

The account page includes every registered template in the order registered, with the
page's context (``request``, ``user``); a template reads whatever else it needs through
its own template tags.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class AccountSection:
    name: str
    template: str


_sections: dict[str, AccountSection] = {}


def register_account_section(name: str, template: str) -> None:
    _sections[name] = AccountSection(name=name, template=template)


def account_sections() -> list[AccountSection]:
    return list(_sections.values())
