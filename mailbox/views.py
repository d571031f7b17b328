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
from crm.access import admin_view, crm_view
from crm.deletion import confirm_page
from crm.forms import apply_validation_error
from crm.rows import add_row_urls, url_for

from . import selectors
from .forms import ComposeForm, MailAccountForm
from .models import MailAccount
from .services.accounts import mail_account_delete, mail_account_save, mail_account_test
from .services.email_lock import contact_email_lock
from .services.sending import mail_send

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
    return render(
        request,
        "mailbox/mailaccount_list.html",
        {"accounts": selectors.user_accounts(user=request.user)},
    )


@require_http_methods(["GET", "POST"])
@crm_view
def account_form(request, pk: int | None = None):
    account = get_object_or_404(MailAccount, pk=pk, user=request.user) if pk else None
    form = MailAccountForm(request.POST or None, instance=account)
    test_result = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
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
            messages.success(request, _("The e-mail was sent."))
            return redirect(_tab_url(contact.pk))
    status = 400 if form.errors else 200
    return render(
        request,
        "mailbox/compose.html",
        {"form": form, "contact": contact, "addresses": addresses},
        status=status,
    )


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
