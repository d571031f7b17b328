"""The live search of the pickers on the activity forms (crm/picker.py, activities/pickers.py)."""

from __future__ import annotations

from django.views.decorators.http import require_GET

from crm.access import crm_view
from crm.params import text_param
from crm.picker import render_options

from .. import pickers


@require_GET
@crm_view
def pick_contacts(request):
    term = text_param(request.GET, "contact_q", max_length=100)
    return render_options(
        request,
        name=pickers.CONTACTS,
        multiple=True,
        results=pickers.contact_results(term),
        term=term,
        none_found=pickers.NO_ONE,
    )


@require_GET
@crm_view
def pick_company(request):
    term = text_param(request.GET, "company_q", max_length=100)
    return render_options(
        request,
        name=pickers.COMPANY,
        multiple=False,
        results=pickers.company_results(term),
        term=term,
        none_found=pickers.NO_COMPANY,
    )
