"""«Koble til Microsoft 365 / Google» on the mail-account pages, the provider's callback,
and the administrators' page for the firm's app registrations."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.access import admin_view, crm_view
from crm.forms import apply_validation_error

from ..forms import OAuthAppForm, OAuthConnectForm
from ..models import MailAccount
from . import selectors, services
from .providers import provider_get


def _callback_uri(request) -> str:
    return request.build_absolute_uri(reverse("mailbox:oauth_callback"))


def _to_provider(request, *, provider: str, account=None, login_hint: str = ""):
    try:
        url = services.oauth_start(
            session=request.session,
            provider_key=provider,
            redirect_uri=_callback_uri(request),
            account=account,
            login_hint=login_hint,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("mailbox:account_list")
    return redirect(url)


@require_POST
@crm_view
def oauth_connect(request, provider: str):
    provider_get(provider)  # 404 for an unknown one
    form = OAuthConnectForm(request.POST)
    hint = form.cleaned_data["email"] if form.is_valid() else ""
    return _to_provider(request, provider=provider, login_hint=hint)


@require_POST
@crm_view
def oauth_reconnect(request, pk: int):
    account = get_object_or_404(MailAccount, pk=pk, user=request.user, sign_in__gt="")
    return _to_provider(request, provider=account.sign_in, account=account)


@require_GET
@crm_view
def oauth_callback(request):
    try:
        account = services.oauth_finish(
            user=request.user,
            session=request.session,
            params=request.GET,
            redirect_uri=_callback_uri(request),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("mailbox:account_list")
    messages.success(
        request, _("The mail account %(email)s is connected.") % {"email": account.email}
    )
    return redirect("mailbox:account_update", pk=account.pk)


@require_http_methods(["GET", "POST"])
@admin_view
def oauth_apps(request):
    """The firm's app registrations with Microsoft and Google (administrators)."""
    rows = selectors.oauth_app_rows()
    posted = request.POST.get("provider") if request.method == "POST" else None
    for row in rows:
        bound = posted == row.provider.key
        row.form = OAuthAppForm(
            request.POST if bound else None,
            prefix=row.provider.key,
            initial={"client_id": row.app.client_id, "tenant": row.app.tenant}
            if row.app
            else None,
            has_secret=bool(row.app and row.app.client_secret_encrypted),
            uses_tenant=row.provider.uses_tenant,
        )
        if bound and row.form.is_valid():
            data = row.form.cleaned_data
            try:
                services.oauth_app_save(
                    provider=row.provider.key,
                    client_id=data["client_id"],
                    client_secret=data["client_secret"],
                    tenant=data.get("tenant", ""),
                )
            except ValidationError as error:
                apply_validation_error(row.form, error)
            else:
                messages.success(
                    request,
                    _("The app registration for %(provider)s was saved.")
                    % {"provider": row.provider.label},
                )
                return redirect("mailbox:oauth_apps")
    return render(
        request,
        "mailbox/oauthapp_form.html",
        {"rows": rows, "redirect_uri": _callback_uri(request)},
        status=400 if any(row.form.errors for row in rows) else 200,
    )
