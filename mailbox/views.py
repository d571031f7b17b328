from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contacts.models import Contact, ContactEmail
from crm.access import admin_view, crm_view, is_firm_admin
from crm.deletion import confirm_page
from crm.forms import apply_validation_error
from crm.rows import add_row_urls, url_for

from . import selectors
from .forms import (
    ComposeForm,
    MailAccountForm,
    OAuthConnectForm,
    OAuthMailAccountForm,
    SendingPolicyForm,
)
from .models import MailAccount
from .oauth.selectors import oauth_ready_providers
from .services.accounts import (
    mail_account_delete,
    mail_account_options_save,
    mail_account_save,
    mail_account_test,
)
from .services.email_lock import contact_email_lock
from .services.outbox import outgoing_retry as outgoing_retry_service
from .services.sending import mail_send, sending_policy_set, sending_route

# The message body frame: no scripts, no forms, images only from us; it may sit only
# in our own pages.
BODY_CSP = {
    "default-src": [CSP.NONE],
    "img-src": [CSP.SELF, "data:"],
    "style-src": [CSP.UNSAFE_INLINE],
    "font-src": [CSP.NONE],
    "form-action": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.SELF],
    "sandbox": True,
}


def _tab_url(contact_id: int) -> str:
    return reverse("contacts:tab", args=[contact_id, "email"])


# --- accounts -----------------------------------------------------------------------------


@require_GET
@crm_view
def account_list(request):
    context = {
        "accounts": selectors.user_accounts(user=request.user),
        "providers": oauth_ready_providers(),
        "connect_form": OAuthConnectForm(),
    }
    if is_firm_admin(request.user):
        context["policy_form"] = SendingPolicyForm(instance=selectors.sending_policy())
    return render(request, "mailbox/mailaccount_list.html", context)


@require_POST
@admin_view
def sending_policy(request):
    """The firm's rule: may users without a mail account send through the firm's server?"""
    form = SendingPolicyForm(request.POST, instance=selectors.sending_policy())
    if form.is_valid():
        sending_policy_set(relay_allowed=form.cleaned_data["relay_allowed"])
        messages.success(request, _("The rule for sending e-mail has been saved."))
    return redirect("mailbox:account_list")


@require_http_methods(["GET", "POST"])
@crm_view
def account_form(request, pk: int | None = None):
    account = get_object_or_404(MailAccount, pk=pk, user=request.user) if pk else None
    oauth = bool(account and account.uses_oauth)
    form = (OAuthMailAccountForm if oauth else MailAccountForm)(
        request.POST or None, instance=account
    )
    test_result = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if oauth:
                saved = mail_account_options_save(account=account, **data)
            else:
                saved = mail_account_save(user=request.user, account=account, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if "test" in request.POST:
                ok, text = mail_account_test(account=saved)
                (messages.success if ok else messages.error)(request, text)
                return redirect("mailbox:account_update", pk=saved.pk)
            messages.success(request, _("The mail account was saved."))
            return redirect("mailbox:account_list")
    return render(
        request,
        "mailbox/mailaccount_form.html",
        {"form": form, "account": account, "test_result": test_result},
    )


@require_POST
@crm_view
def account_test(request, pk: int):
    account = get_object_or_404(MailAccount, pk=pk, user=request.user)
    ok, text = mail_account_test(account=account)
    (messages.success if ok else messages.error)(request, text)
    return redirect("mailbox:account_update", pk=account.pk)


@require_http_methods(["GET", "POST"])
@crm_view
def account_delete(request, pk: int):
    account = get_object_or_404(MailAccount, pk=pk, user=request.user)
    if request.method == "POST":
        mail_account_delete(account=account)
        messages.success(request, _("The mail account was removed."))
        return redirect("mailbox:account_list")
    return confirm_page(
        request,
        title=_("Remove mail account"),
        question=_("Remove the mail account %(email)s?") % {"email": account.email},
        notes=[_("E-mail already linked to contacts stays on their cards.")],
        confirm=_("Remove"),
        cancel_url=reverse("mailbox:account_update", args=[account.pk]),
    )


# --- messages -----------------------------------------------------------------------------


@require_GET
@crm_view
def message_detail(request, contact_pk: int, pk: int):
    contact = get_object_or_404(Contact, pk=contact_pk)
    message, direction = selectors.contact_message(user=request.user, contact=contact, pk=pk)
    context = {"contact": contact, "message": message, "direction": direction}
    if request.htmx:
        return render(request, "mailbox/message_detail.html#message", context)
    return render(request, "mailbox/message_detail.html", context)


@require_GET
@crm_view
def thread_detail(request, contact_pk: int, pk: int):
    """A conversation's messages: unfolded under its row on the E-post tab (htmx), or a
    page of its own."""
    contact = get_object_or_404(Contact, pk=contact_pk)
    links = selectors.contact_thread(user=request.user, contact=contact, pk=pk)
    add_row_urls(links, detail_url=(url_for("mailbox:detail", contact.pk), "message_id"))
    context = {"contact": contact, "links": links, "subject": links[-1].message.subject}
    if request.htmx:
        return render(request, "mailbox/thread_detail.html#thread", context)
    return render(request, "mailbox/thread_detail.html", context)


@require_GET
@crm_view
@xframe_options_sameorigin
@csp_override(BODY_CSP)
def message_body(request, pk: int):
    """The sanitised HTML body alone, for a sandboxed <iframe>."""
    message = selectors.readable_message(user=request.user, pk=pk)
    return render(request, "mailbox/message_body.html", {"message": message})


@require_GET
@crm_view
def attachment_redirect(request, pk: int):
    """The attachment's old address, kept because message bodies show inline (cid:)
    images from it (stored ones, and mailbox.services.storing still writes it): it moves for good
    to the files app's download, which decides access with the mailbox's rules
    (selectors.readable_attachments, selectors.locked_attachments). Checked here first:
    the redirect itself would tell which file holds the attachment."""
    file_id = selectors.attachment_file_id(user=request.user, pk=pk)
    return redirect("files:download", pk=file_id, permanent=True)


@require_http_methods(["GET", "POST"])
@crm_view
def compose(request, contact_pk: int):
    contact = get_object_or_404(Contact, pk=contact_pk)
    if not selectors.can_read_contact_mail(user=request.user, contact=contact):
        raise Http404
    addresses = list(ContactEmail.objects.filter(contact=contact).values_list("email", flat=True))
    form = ComposeForm(request.POST or None, addresses=addresses)
    if request.method == "POST" and form.is_valid():
        try:
            mail_send(user=request.user, contact=contact, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            # Queued, not sent: the tab shows when it has gone.
            messages.success(request, _("The e-mail is queued for sending."))
            return redirect(_tab_url(contact.pk))
    status = 400 if form.errors else 200
    return render(
        request,
        "mailbox/compose.html",
        {
            "form": form,
            "contact": contact,
            "addresses": addresses,
            "route": sending_route(user=request.user),
        },
        status=status,
    )


@require_POST
@crm_view
def outgoing_retry(request, contact_pk: int, pk: int):
    """«Prøv igjen» on a message that was not sent: only its sender's, on a card they may
    read."""
    contact = get_object_or_404(Contact, pk=contact_pk)
    outgoing = selectors.retryable_outgoing(user=request.user, contact=contact, pk=pk)
    try:
        outgoing_retry_service(outgoing=outgoing, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The e-mail is queued for sending again."))
    return redirect(_tab_url(contact.pk))


@require_POST
@admin_view
def contact_lock(request, contact_pk: int):
    contact = get_object_or_404(Contact, pk=contact_pk)
    locked = request.POST.get("locked") != "0"
    contact_email_lock(contact=contact, actor=request.user, locked=locked)
    text = (
        _("E-mail for %(name)s is now locked to administrators.")
        if locked
        else _("E-mail for %(name)s is open again.")
    )
    messages.success(request, text % {"name": contact.full_name})
    return redirect(_tab_url(contact.pk))
