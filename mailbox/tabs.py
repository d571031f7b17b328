"""The mailbox's tab on the contact card (registered from apps.py; see crm/tabs.py)."""

import functools

from crm.access import is_firm_admin
from crm.rows import add_row_urls, url_for

from . import selectors
from .forms import MailSearchForm


def email_tab_context(request, contact) -> dict:
    form = MailSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    page = selectors.contact_threads_page(
        user=request.user, contact=contact, query=query, page=request.GET.get("page")
    )
    if page is not None:
        newest = [thread.newest for thread in page.object_list]
        add_row_urls(
            newest,
            detail_url=(url_for("mailbox:detail", contact.pk), "message_id"),
            thread_url=(url_for("mailbox:thread", contact.pk), "message_id"),
        )
    return {
        "mail_page": page,
        "mail_locked": page is None,
        "mail_query": query,
        "mail_search_form": form,
    }


def email_tab_count(request, pk):
    """How many of the contact's messages the tab lists for this user (none when locked)."""
    return _email_count(is_firm_admin(request.user))


# Correlated with the contact's row, and the one thing of the viewer the rule reads: built
# once for administrators and once for everyone else (crm/tabs.py).
@functools.cache
def _email_count(firm_admin: bool):
    return selectors.contact_message_count(firm_admin=firm_admin)
