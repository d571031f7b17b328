"""What other apps do when a contact's e-mail addresses change, or a person is erased.

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


_addresses_imported: list[Callable] = []


def on_addresses_imported(callback: Callable) -> None:
    """``callback(addresses)``: an import wrote these addresses onto contacts in bulk,
    where no per-contact ``addresses_changed`` is called."""
    _addresses_imported.append(callback)


def addresses_imported(addresses: list[str]) -> None:
    """Called by an import once its batches are written and committed."""
    if addresses:
        for callback in _addresses_imported:
            callback(addresses)


_erased: list[Callable] = []


def on_erased(callback: Callable) -> None:
    """``callback(contact_id)``: remove what the app keeps about an erased person beyond
    the rows that point at the contact (the duplicates app's merge records, say)."""
    _erased.append(callback)


def erased(contact_id: int) -> None:
    """Called by the erasure (exports), inside its transaction."""
    for callback in _erased:
        callback(contact_id)
