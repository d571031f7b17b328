"""The «API-nøkler» pages (each user's own tokens; every token for administrators) and
the API's documentation page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.access import admin_view, crm_view
from crm.forms import apply_validation_error
from crm.pagination import page_with_total

from . import selectors, services
from .forms import TokenForm

ADMIN_PAGE_SIZE = 50


@never_cache  # the page that shows a new secret must not be kept by any cache
@require_http_methods(["GET", "POST"])
@crm_view
def token_list(request):
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.token_create(user=request.user, **form.service_data())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            form = TokenForm()
            messages.success(
                request, _("The token «%(name)s» was created.") % {"name": token.name}
            )
    return render(
        request,
        "api/token_list.html",
        {
            "form": form,
            "secret": secret,
            "tokens": selectors.tokens_of(user=request.user),
        },
    )


@require_POST
@crm_view
def token_revoke(request, pk: int):
    token = selectors.token_of_user(user=request.user, pk=pk)
    services.token_revoke(token=token)
    messages.success(request, _("The token «%(name)s» was revoked.") % {"name": token.name})
    return redirect("tokens:list")


@require_GET
@admin_view
def token_admin_list(request):
    tokens = page_with_total(selectors.tokens_all(), request.GET.get("page"), ADMIN_PAGE_SIZE)
    return render(request, "api/token_admin_list.html", {"tokens": tokens})


@require_POST
@admin_view
def token_admin_revoke(request, pk: int):
    token = selectors.token_any(pk=pk)
    services.token_revoke(token=token)
    messages.success(request, _("The token «%(name)s» was revoked.") % {"name": token.name})
    return redirect("tokens:admin_list")


@require_GET
@crm_view
def api_docs(request):
    """The schema in Swagger UI, served from static/vendor/ (no CDN)."""
    return render(request, "api/docs.html")
