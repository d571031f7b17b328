"""What a user reads on a History tab: its sentences, oldest first."""

import html
import re

from django.urls import reverse

_ENTRY = re.compile(
    r'data-testid="history-entry"[^>]*>.*?<span>(.*?)</span>', re.DOTALL | re.IGNORECASE
)


def history_lines(client, url_name: str, pk: int) -> list[str]:
    """The sentences of the History tab at ``url_name`` (``contacts:tab`` or
    ``companies:tab``) for object ``pk``, as the user reads them, oldest first."""
    response = client.get(reverse(url_name, args=[pk, "history"]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    return [html.unescape(line) for line in _ENTRY.findall(response.text)][::-1]


def card_lines(client, contact) -> list[str]:
    return history_lines(client, "contacts:tab", contact.pk)


def company_lines(client, company) -> list[str]:
    return history_lines(client, "companies:tab", company.pk)
