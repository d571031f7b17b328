import base64
from urllib.parse import quote

import segno
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from crm.access import admin_view, crm_view, is_firm_admin
from crm.account import account_sections
from crm.next_url import next_url
from crm.users import display_name

from . import gate, selectors, services
from .forms import AuthenticatorForm, CodeForm, TwoFactorPolicyForm


@require_http_methods(["GET"])
@crm_view
def account(request):
    user = request.user
    context = {
        **selectors.account_devices(user),
        "sections": account_sections(),
        "two_factor_required": selectors.two_factor_required(),
    }
    if is_firm_admin(user):
        context["policy_form"] = TwoFactorPolicyForm(instance=selectors.two_factor_policy())
        context["users_with_second_factor"] = selectors.users_with_second_factor()
    return render(request, "accounts/account.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("account:detail")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


password_change = crm_view(PasswordChangeView.as_view())

password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset_form.html",
    email_template_name="accounts/email/password_reset.txt",
    subject_template_name="accounts/email/password_reset_subject.txt",
    success_url=reverse_lazy("account:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("account:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


def _may_change_second_factors(user) -> bool:
    """Someone who has a second factor changes them only after using one this session:
    a stolen password alone must not add an attacker's authenticator."""
    return user.is_verified() or not selectors.user_has_second_factor(user)


@require_http_methods(["GET", "POST"])
@login_required
def two_factor_verify(request):
    user = request.user
    if user.is_verified() or not selectors.user_has_second_factor(user):
        # Nothing to give (an administrator may have just removed it): where the user
        # stands is worked out again, so the gate does not send them back here.
        gate.note_state(request, user)
        return redirect(next_url(request, reverse("home")))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.second_factor_check(user=user, token=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(next_url(request, reverse("home")))
        form.add_error("code", _("The code is wrong or has expired."))
    devices = selectors.account_devices(user)
    return render(
        request,
        "accounts/two_factor_verify.html",
        {
            "form": form,
            "has_authenticator": bool(devices["authenticators"]),
            "has_passkey": any(p.confirmed for p in devices["passkeys"]),
            "next": next_url(request, ""),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def two_factor_setup(request):
    """Add an authenticator app (scan the code, type one code back) or a passkey."""
    user = request.user
    if not _may_change_second_factors(user):
        return redirect(
            f"{reverse('account:two_factor_verify')}?next={quote(request.get_full_path())}"
        )
    device = None
    form = AuthenticatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = services.authenticator_confirm(
                user=user, device_id=form.cleaned_data["device"], token=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error("code", error)
            device = selectors.authenticator_unconfirmed(
                user=user, device_id=form.cleaned_data["device"]
            )
        else:
            otp_login(request, confirmed)
            gate.note_state(request, user)
            messages.success(request, _("The authenticator app is set up."))
            return redirect(next_url(request, reverse("account:detail")))
    if device is None:
        device = services.authenticator_start(user=user)
        form = AuthenticatorForm(initial={"device": device.pk}) if not form.errors else form
    form.data = form.data.copy() if form.is_bound else form.data
    if form.is_bound:
        form.data["device"] = device.pk
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "device_id": device.pk,
            "qr_svg": mark_safe(segno.make(device.config_url).svg_inline(scale=4, dark="#000")),
            "secret": base64.b32encode(device.bin_key).decode(),
            "required": selectors.two_factor_required(),
            "has_second_factor": selectors.user_has_second_factor(user),
            "next": next_url(request, ""),
        },
    )


@require_POST
@login_required
def recovery_codes(request):
    user = request.user
    if not user.is_verified():
        return redirect(reverse("account:two_factor_verify"))
    codes = services.recovery_codes_create(user=user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


@require_POST
@crm_view
def second_factor_delete(request, kind: str, pk: int):
    user = request.user
    if not _may_change_second_factors(user):
        raise Http404
    try:
        services.second_factor_delete(user=user, kind=kind, device_id=pk)
    except ValidationError as error:
        raise Http404 from error
    gate.note_state(request, user)
    messages.success(request, _("The sign-in method has been removed."))
    return redirect("account:detail")


@require_POST
@admin_view
def two_factor_policy(request):
    form = TwoFactorPolicyForm(request.POST, instance=selectors.two_factor_policy())
    if form.is_valid():
        services.two_factor_policy_set(required=form.cleaned_data["required"])
        messages.success(request, _("The rule for two-factor sign-in has been saved."))
    return redirect("account:detail")


@require_POST
@admin_view
def two_factor_reset(request, pk: int):
    """A firm administrator removes a user's second factors (a lost phone and lost codes)."""
    user = get_object_or_404(get_user_model(), pk=pk)
    services.second_factors_reset(user=user)
    messages.success(
        request,
        _("%(name)s's two-factor sign-in has been removed.") % {"name": display_name(user)},
    )
    return redirect("account:detail")
