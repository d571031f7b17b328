"""The mailbox's tab on the contact card (registered from apps.py; see crm/tabs.py)."""

from django.urls import reverse

from . import selectors
from .forms import MailSearchForm

# A stand-in message id: the detail URL is reversed once per page with it, and each row's
# id is put in its place (one reverse() for the page, not one per row).
DETAIL_URL_PLACEHOLDER = 987654321


def email_tab_context(request, contact) -> dict:
    form = MailSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    page = selectors.contact_messages_page(
        user=request.user, contact=contact, query=query, page=request.GET.get("page")
    )
    if page is not None:
        prefix, _, suffix = reverse(
            "mailbox:detail", args=[contact.pk, DETAIL_URL_PLACEHOLDER]
        ).rpartition(str(DETAIL_URL_PLACEHOLDER))
        for link in page.object_list:
            link.detail_url = f"{prefix}{link.message_id}{suffix}"
    return {
        "mail_page": page,
        "mail_locked": page is None,
        "mail_query": query,
        "mail_search_form": form,
    }
