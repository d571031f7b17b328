"""The «Webhooks» pages: administrators register, change and remove them, and see the
last deliveries with the receiver's answer."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.access import admin_view
from crm.deletion import confirm_page
from crm.forms import apply_validation_error

from . import selectors, services
from .forms import WebhookForm


@require_GET
@admin_view
def webhook_list(request):
    return render(request, "api/webhook_list.html", {"webhooks": selectors.webhook_list()})


@require_http_methods(["GET", "POST"])
@admin_view
def webhook_create(request):
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            webhook = services.webhook_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The webhook «%(name)s» was saved.") % {"name": webhook})
            return redirect(webhook)
    return render(request, "api/webhook_form.html", {"form": form, "webhook": None})


@never_cache  # shows the signing secret
@require_GET
@admin_view
def webhook_detail(request, pk: int):
    webhook = selectors.webhook_for_page(pk=pk)
    return render(
        request,
        "api/webhook_detail.html",
        {"webhook": webhook, "deliveries": selectors.webhook_deliveries(webhook=webhook)},
    )


@require_http_methods(["GET", "POST"])
@admin_view
def webhook_update(request, pk: int):
    webhook = selectors.webhook_for_page(pk=pk)
    form = WebhookForm.for_webhook(webhook, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.webhook_update(webhook=webhook, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The webhook «%(name)s» was saved.") % {"name": webhook})
            return redirect(webhook)
    return render(request, "api/webhook_form.html", {"form": form, "webhook": webhook})


@require_http_methods(["GET", "POST"])
@admin_view
def webhook_delete(request, pk: int):
    webhook = selectors.webhook_for_page(pk=pk)
    if request.method == "POST":
        services.webhook_delete(webhook=webhook)
        messages.success(request, _("%(name)s was deleted.") % {"name": webhook.name})
        return redirect("tokens:webhook_list")
    return confirm_page(
        request,
        title=_("Delete webhook"),
        question=_("Delete %(name)s?") % {"name": webhook.name},
        notes=[_("Its deliveries are deleted with it, and nothing more is sent.")],
        cancel_url=webhook.get_absolute_url(),
    )


@require_POST
@admin_view
def webhook_new_secret(request, pk: int):
    webhook = selectors.webhook_for_page(pk=pk)
    services.webhook_new_secret(webhook=webhook)
    messages.success(request, _("The signing secret was replaced. Give the receiver the new one."))
    return redirect(webhook)


@require_POST
@admin_view
def delivery_retry(request, pk: int):
    delivery = selectors.delivery_for_page(pk=pk)
    services.delivery_retry(delivery=delivery)
    messages.success(request, _("The delivery will be sent again."))
    return redirect(delivery.webhook)
