"""What other apps do when a contact's e-mail addresses change.

Contacts knows no feature app: the mailbox registers here, from its ``AppConfig.ready()``,
to link the mail already synced from and to a new address (K9)::

    from contacts.hooks import on_addresses_changed
    on_addresses_changed(lambda contact: contact_link_past_mail(contact=contact))
"""

from collections.abc import Callable

_addresses_changed: list[Callable] = []


def on_addresses_changed(callback: Callable) -> None:
    _addresses_changed.append(callback)


def addresses_changed(contact) -> None:
    """Called by the contact services, inside their transaction."""
    for callback in _addresses_changed:
        callback(contact)
