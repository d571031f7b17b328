from django.shortcuts import render
from django.views.decorators.http import require_GET

from companies.selectors import company_recent
from contacts.selectors import contact_recent

from .access import crm_view


@require_GET
@crm_view
def home(request):
    return render(
        request,
        "crm/home.html",
        {
            "recent_contacts": contact_recent(limit=10),
            "recent_companies": company_recent(limit=10),
        },
    )
