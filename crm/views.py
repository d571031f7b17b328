from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import user_picker
from .access import crm_view
from .home import home_context
from .params import text_param
from .picker import MAX_TERM, render_options


@require_GET
@crm_view
def home(request):
    context = {"today": timezone.localdate(), **home_context(request)}
    return render(request, "crm/home.html", context)


@require_GET
@crm_view
def pick_users(request, field: str):
    """The users found for the picker of the user field ``field`` (crm/user_picker.py)."""
    if field not in user_picker.USER_FIELDS:
        raise Http404
    term = text_param(request.GET, f"{field}_q", max_length=MAX_TERM)
    return render_options(
        request,
        name=field,
        multiple=user_picker.USER_FIELDS[field],
        results=user_picker.user_results(term),
        term=term,
        none_found=user_picker.NO_USER,
    )
