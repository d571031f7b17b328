"""Every page in Norwegian: no English from Django, its admin or the libraries.

The walk covers every URL pattern the project has (``get_resolver()``), the Django admin
included (the index, every app, and for every registered model its list, add, change,
history and delete pages with a real object), as a firm administrator and as office
staff, each path parameter filled with an object this test made. On each page it reads
the text a user sees (tags, scripts and styles stripped; of the attributes only the ones
a browser shows) and fails on known English phrases of Django and the libraries, and on a
user's login name where their name belongs, naming the phrase and the URL.
"""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.services import recovery_codes_create
from crm.access import is_firm_admin
from mailbox.oauth.services import oauth_app_save
from mailbox.oauth.tokens import ReconnectNeeded
from tests.accounts.factories import AuthenticatorFactory
from tests.activities.factories import ProjectFactory
from tests.cardservices.factories import NumberLookupFactory, SmsMessageFactory
from tests.companies.factories import CompanyFactory, CompanyLinkFactory
from tests.contacts.factories import (
    CategoryFactory,
    ContactEmailFactory,
    ContactFactory,
    CustomerContactFactory,
)
from tests.crm.factories import UserFactory
from tests.files.factories import FileLinkFactory
from tests.history.factories import HistoryEntryFactory
from tests.mailbox.factories import (
    MailAccountFactory,
    MessageAttachmentFactory,
    MessageContactFactory,
    MessageCopyFactory,
    OutgoingMailFactory,
)
from tests.orders.factories import FirmDetailsFactory

pytestmark = pytest.mark.django_db

# English that Django, its admin and the libraries put on pages, matched as whole words
# (case matters: «Filter» is English, «filter» may be Norwegian too).
ENGLISH = [
    # Django's forms and widgets
    "Select an option",
    "---------",
    "This field is required",
    "Enter a valid",
    "Currently",
    "Clear",
    "Unknown",
    "Yes",
    "No",
    "None",
    # the admin
    "Show counts",
    "Hide counts",
    "Search",
    "Run",
    "Go",
    "Action:",
    "results",
    "selected",
    "Save",
    "Save and add another",
    "Save and continue editing",
    "Save and view",
    "Delete",
    "History",
    "Filter",
    "Clear all filters",
    "Recent actions",
    "My actions",
    "View site",
    "Log out",
    "Logout",
    "Change password",
    "Change",
    "Welcome",
    "Add",
    "Select",
    "to change",
    "to view",
    "View",
    "Home",
    "Breadcrumbs",
    "Skip to main content",
    "Toggle theme",
    "Sidebar",
    "Start typing to filter",
    "Model name",
    "Are you sure",
    "Summary",
    "Objects",
    "No, take me back",
    "Yes, I’m sure",
    "Date/time",
    "User",
    "Comment",
    "Any date",
    "Today",
    "Past 7 days",
    "This month",
    "This year",
    "All",
    "Authentication and Authorization",
    "Groups",
    "Users",
    "Username",
    "Password",
    "Permissions",
    "Personal info",
    "Important dates",
    "Staff status",
    "Superuser status",
    "Active",
    "First name",
    "Last name",
    "Email address",
    "Last login",
    "Date joined",
    "Set password",
    "Reset password",
    "Password-based authentication",
    "Enabled",
    "Disabled",
    "Can add",
    "Can change",
    "Can delete",
    "Can view",
    "Can use",
    # django-axes
    "Axes",
    "Access attempts",
    "Access attempt",
    "Access failures",
    "Access failure",
    "Access logs",
    "Access log",
    "Attempt Time",
    "IP Address",
    "User Agent",
    "Path",
    "HTTP Accept",
    "Failed Logins",
    "Locked Out",
    "Attempt Remaining",
    "Form Data",
    "Meta Data",
    "GET Data",
    "POST Data",
    "Logout Time",
    "Access lock out",
    "Expires At",
    "Not set",
    "Clean up expired attempts",
    "Session key hash",
    # django-tasks-db
    "Tasks Database Backend",
    "Task results",
    "Task Results",
    "Task result",
    "Task Result",
    "Task name",
    "Enqueued at",
    "Started at",
    "Finished at",
    "Priority",
    "Queue name",
    "Backend name",
    "Run after",
    "Return value",
    "Traceback",
    "Worker id",
    "Args kwargs",
    "Exception class path",
    "Task path",
    "Ready",
    "Running",
    "Failed",
    "Successful",
    # dates
    # (April, August, September and November are Norwegian too, capitalised by the admin.)
    "January",
    "February",
    "March",
    "June",
    "July",
    "October",
    "December",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
]
_ENGLISH = re.compile("|".join(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])" for phrase in ENGLISH))

# The one English left on purpose: django-axes names its records (on their own admin
# pages) with f-strings in axes/models.py that no catalog reaches.
_UNTRANSLATABLE = re.compile(
    r"Attempted Access: \S+ \S+"
    r"|Failed access: user \S+( locked out)? on \S+ \S+ from \S+"
    r"|Access Log for \S+ @ \S+ \S+"
)

# Attributes a browser shows: tooltips, placeholders, what a screen reader reads, the
# text of an <input> button, and htmx's confirmation question. Not ``alt``: Django admin
# writes its icons' alt text in English in code («True», «None», «Search»).
_SHOWN_ATTRIBUTES = {"placeholder", "title", "aria-label", "hx-confirm"}


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
            return
        attrs = dict(attrs)
        for name in _SHOWN_ATTRIBUTES:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset"):
            self.parts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data)


def visible_text(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return [" ".join(part.split()) for part in parser.parts]


def english_on(html: str, users=()) -> list[str]:
    """The English phrases among the visible text, in context, and the login names of
    ``users`` where their names belong. (Django's change history names a user
    «kari (Kari Nordmann)», the login beside the name: that is the record it keeps.)"""
    patterns = [_ENGLISH]
    if users:
        patterns.append(
            re.compile(
                "|".join(
                    rf"(?<![\w.@-]){re.escape(u.username)}(?![\w.@-])"
                    rf"(?! \({re.escape(u.get_full_name())}\))"
                    for u in users
                )
            )
        )
    found = []
    for text in visible_text(html):
        text = _UNTRANSLATABLE.sub("…", text)
        for pattern in patterns:
            for match in pattern.finditer(text):
                start = max(match.start() - 30, 0)
                found.append(f"«{match.group()}» in «…{text[start : match.end() + 30]}…»")
    return found


def test_the_check_sees_english_and_login_names_only_where_users_see_them():
    html = """<html><head><title>Select kontakt to change</title>
    <script>var label = "Delete";</script><style>.x{content:"Run"}</style></head>
    <body><p class="Delete" data-x="Run">Velg en <b>Show counts</b></p>
    <input type="submit" value="Go"><input type="hidden" value="Save">
    <a href="/History/" title="Search kontakter">Søk</a><p>Eier: kari</p>
    <p>Kari Nordmann, kari.nordmann@firma.no, Filteret, kari (Kari Nordmann)</p></body></html>"""
    kari = UserFactory.build(username="kari", first_name="Kari", last_name="Nordmann")
    found = [hit.split("»")[0] for hit in english_on(html, [kari])]
    assert found == ["«Select", "«to change", "«Show counts", "«Go", "«Search", "«kari"]


# --- the world the pages show ----------------------------------------------------------


def _user(username, first_name, last_name, **kwargs):
    return UserFactory(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=f"{first_name.lower()}.{last_name.lower()}@firma.no",
        **kwargs,
    )


@pytest.fixture
def world(db):
    """One of everything, owned by, assigned to and written by users with full names."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_tasks_db.models import DBTaskResult

    from activities import services as activities
    from duplicates.services import records_merge
    from orders import invoicing
    from orders import services as orders

    admin_user = _user("kadmin", "Kari", "Administrator", crm_access=True, firm_admin=True)
    staff_user = _user("olas", "Ola", "Saksbehandler", crm_access=True)
    group = Group.objects.create(name="Salg")
    staff_user.groups.add(group)
    admin_user.groups.add(group)
    category = CategoryFactory(name="Leverandør")
    contact = CustomerContactFactory(
        first_name="Per", last_name="Nordmann", owner=staff_user, mobile="+4741234567"
    )
    contact.categories.add(category)
    ContactEmailFactory(contact=contact, email="per.nordmann@example.no")
    company = CompanyFactory(name="Fjordkraft Service AS", owner=admin_user, customer_number=10)
    link = CompanyLinkFactory(contact=contact, company=company, position="Daglig leder")
    ContactFactory(first_name="Lise", last_name="Berg")
    project = ProjectFactory(name="Nytt kontor")
    project.participants.add(contact)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    world = {"contact": contact, "company": company, "link": link, "project": project}
    # Duplicates: a pair to merge, and a merge to undo (issue 18).
    world["pair"] = (
        ContactFactory(first_name="Anne", last_name="Dobbel", postcode="7010"),
        ContactFactory(first_name="Anne", last_name="Dobbelt", postcode="7010"),
    )
    world["merge"] = records_merge(  # both customers: one number is retired
        survivor=CustomerContactFactory(first_name="Bo", last_name="Lik"),
        loser=CustomerContactFactory(first_name="Bo", last_name="Likk"),
        take_from_loser=[],
        actor=admin_user,
    )
    world["group"] = group
    for me in (admin_user, staff_user):
        appointment = activities.appointment_create(
            actor=me,
            title="Kundemøte",
            start_at=now,
            end_at=now + dt.timedelta(hours=1),
            contacts=[contact],
            participants=[admin_user, staff_user],
            owner=me,
            company=company,
        )
        task = activities.task_create(
            actor=me,
            title="Ring kunden",
            contacts=[contact],
            assignee=me,
            group=group,
            company=company,
            due_date=now.date(),
        )
        note = activities.note_create(author=me, text="Kunden vil ha tilbud", contact=contact)
        activities.note_create(author=me, text="Oppstartsmøte holdt", project=project)
        activities.note_create(author=me, text="Ny avtale signert", company=company)
        account = MailAccountFactory(user=me, email=f"{me.username}@firma.no")
        # Signed in with Microsoft 365, and refused since: the «connect again» wording.
        oauth_account = MailAccountFactory(
            user=me,
            email=f"{me.username}@firma365.no",
            sign_in="microsoft",
            host="outlook.office365.com",
            password_encrypted="",
            needs_reconnect=True,
            last_error=str(ReconnectNeeded()),
        )
        copy = MessageCopyFactory(
            account=account, message__subject="Tilbud på strøm", message__sent_at=now
        )
        MessageContactFactory(message=copy.message, contact=contact)
        # Written on the card: one not sent (with «Prøv igjen»), one waiting for a retry.
        for state, next_attempt in (("failed", None), ("queued", now)):
            OutgoingMailFactory(
                message=MessageContactFactory(
                    contact=contact, direction="sent", message__sent_at=now
                ).message,
                contact=contact,
                created_by=me,
                account=account,
                state=state,
                next_attempt_at=next_attempt,
                error="550 5.1.1 Ukjent mottaker",  # the server's own words are its own
            )
        world[me.username] = {
            "appointment": appointment,
            "task": task,
            "note": note,
            "account": account,
            "oauth_account": oauth_account,
            "message": copy.message,
        }
    MessageAttachmentFactory(message=copy.message)
    file_link = FileLinkFactory(contact=contact, file__uploader=staff_user)
    FileLinkFactory(file=file_link.file, contact=None, company=company)
    FileLinkFactory(file=file_link.file, contact=None, project=project)
    world["file"] = file_link.file
    SmsMessageFactory(contact=contact, sent_by=staff_user)
    NumberLookupFactory(contact=contact, looked_up_by=staff_user)
    HistoryEntryFactory(contact=contact, actor=staff_user)
    FirmDetailsFactory()  # the seller, needed to invoice
    # The firm's app registrations: the mail-account page shows «Koble til …».
    for provider in ("microsoft", "google"):
        oauth_app_save(provider=provider, client_id="crm-app", client_secret="s", tenant="")
    # Someone with second factors, listed for the firm administrator on «Min konto» (not
    # a walker: they would be stopped at the second step of sign-in).
    recovery_codes_create(user=AuthenticatorFactory(user__username="tofaktor").user)
    line = {"description": "Konsulenttime", "quantity": 2, "unit_price": "950.00", "vat_rate": 25}
    world["draft"] = orders.order_create(customer=contact, lines=[line], actor=staff_user)
    world["confirmed"] = orders.order_confirm(
        order=orders.order_create(customer=company, lines=[line], actor=staff_user)
    )
    invoiced = orders.order_confirm(
        order=orders.order_create(customer=contact, lines=[line], actor=staff_user)
    )
    world["invoice"] = invoicing.invoice_issue(order=invoiced, actor=staff_user)
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        fields = {"user_agent": "Firefox", "ip_address": "10.0.0.9", "username": "ukjent"}
        if model is AccessAttempt:
            fields |= {"get_data": "", "post_data": "", "failures_since_start": 2}
        model.objects.create(path_info="/accounts/login/", http_accept="text/html", **fields)
    DBTaskResult.objects.create(
        task_path="mailbox.tasks.sync_account",
        args_kwargs={"args": [1], "kwargs": {}},
        backend_name="default",
        run_after=now,
        exception_class_path="",
        traceback="",
    )
    from exports.models import Erasure, ExportLog

    ExportLog.objects.create(actor=staff_user, kind="contact", scope="all", format="csv")
    Erasure.objects.create(actor=admin_user, contact_id=999, kept_invoices=1)
    from companies.models import OfflineRegisterUnit

    OfflineRegisterUnit.objects.create(
        org_number="988077917",
        name="Aune Handel DA",
        organisation_form="DA",
        postal_postcode="0150",
        postal_city="OSLO",
        mva_registered=True,
    )
    from api.services import token_create

    for me in (admin_user, staff_user):
        token_create(user=me, name="Nettbutikk")
    from api.feeds.services import feed_renew
    from api.models import WebhookDelivery
    from api.webhooks.services import webhook_create

    for me in (admin_user, staff_user):
        feed_renew(user=me)
    world["webhook"] = webhook_create(
        name="Nettbutikk",
        url="https://butikk.example.no/crm",
        events=["contact.created"],
        actor=admin_user,
    )
    WebhookDelivery.objects.create(
        webhook=world["webhook"],
        event="contact.created",
        body="{}",
        status="failed",
        attempts=6,
        response_status=500,
        response_body="Internal Server Error",
    )
    world["users"] = {"firm_admin": admin_user, "staff": staff_user}
    world["imports"] = _import_jobs(admin_user)
    return world


def _import_jobs(user):
    """An import at its dry run (a preview and a refused row) and one imported and undone
    in part."""
    from imports.models import ImportJob

    report = {
        "counts": {"created": 1, "updated": 0, "skipped": 0, "refused": 1},
        "errors": [
            {"row": 3, "column": "Mobil", "message": "«123» er ikke et gyldig telefonnummer."}
        ],
        "preview": [
            {"row": 2, "status": "created", "cells": ["Nordmann", "Per"]},
            {"row": 3, "status": "refused", "cells": ["Berg", "123"]},
        ],
        "headers": ["Etternavn", "Mobil"],
    }
    fields = {
        "file_name": "kunder.csv",
        "uploaded_by": user,
        "headers": ["Etternavn", "Mobil"],
        "sample": [["Nordmann", ""], ["Berg", "123"]],
        "columns": {"0": "last_name"},
        "match_keys": ["email"],
        "total_rows": 2,
        "created_count": 1,
        "refused_count": 1,
        "report": report,
    }
    previewed = ImportJob.objects.create(status=ImportJob.Status.PREVIEWED, **fields)
    undone = ImportJob.objects.create(
        status=ImportJob.Status.PARTLY_UNDONE,
        finished_at=timezone.now(),
        undo_report={
            "undone": 1,
            "refused": [
                {
                    "row": 2,
                    "name": "Per Nordmann",
                    "reason": "Per Nordmann er endret etter importen.",
                }
            ],
        },
        **fields,
    )
    return [previewed, undone]


# --- every URL, filled --------------------------------------------------------------------


def _patterns(resolver=None, namespace=""):
    """(full URL name, pattern) for every named pattern, namespaces included."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def crm_urls(world, me) -> dict[str, list[str]]:
    """For each URL name of the CRM (admin aside), the URLs to open: the pattern with
    its parameters filled (a dict; ``"?"`` adds a query string). No parameters (``[]``):
    not a page to read (a POST-only action, a download, a redirect)."""
    from activities.tabs import project_tabs
    from companies.tabs import company_tabs
    from contacts.tabs import card_tabs

    c, co, p = world["contact"].pk, world["company"].pk, world["project"].pk
    mine = world[me.username]
    a, t, n = mine["appointment"].pk, mine["task"].pk, mine["note"].pk
    m, acc = mine["message"].pk, mine["account"].pk
    draft, confirmed = world["draft"].pk, world["confirmed"].pk
    today = timezone.localdate().isoformat()
    firm_admin = is_firm_admin(me)
    pages = {
        "home": [{}],
        "login": [],  # a signed-in user is sent on (tests/crm/test_auth.py)
        "logout": [],  # POST only
        "set_language": [],  # POST only
        "contacts:create": [{}],
        "contacts:detail": [{"pk": c}],
        "contacts:update": [{"pk": c}],
        "contacts:delete": [{"pk": c}],
        "contacts:make_customer": [],  # POST only
        "contacts:post_town": [],  # an input, no words (tests/contacts/test_post_town.py)
        "contacts:tab": [{"pk": c, "tab": tab.slug} for tab in card_tabs],
        "companies:create": [{}],
        "companies:detail": [{"pk": co}],
        "companies:update": [{"pk": co}],
        "companies:delete": [{"pk": co}],
        "companies:make_customer": [],  # POST only
        "companies:register_search": [{}],
        "companies:register_refresh": [],  # POST only
        "companies:link_contact": [{"pk": co}],
        "companies:link_company": [{"contact_pk": c}],
        "companies:link_update": [{"pk": world["link"].pk}],
        "companies:link_delete": [{"pk": world["link"].pk}],
        "companies:tab": [{"pk": co, "tab": tab.slug} for tab in company_tabs],
        "activities:planner": [{}, {"?": f"view=day&date={today}"}],
        "activities:appointment_create": [{"?": f"contact={c}"}],
        "activities:appointment_detail": [{"pk": a}],
        "activities:appointment_update": [{"pk": a}],
        "activities:appointment_delete": [{"pk": a}],
        "activities:appointment_ics": [],  # a calendar file
        "activities:task_create": [{"?": f"contact={c}"}],
        "activities:task_update": [{"pk": t}],
        "activities:task_complete": [],  # POST only
        "activities:task_reopen": [],  # POST only
        "activities:task_delete": [{"pk": t}],
        "activities:note_create": [],  # POST only
        "activities:note_update": [{"pk": n}],
        "activities:note_delete": [{"pk": n}],
        "activities:project_list": [{}],
        "activities:project_create": [{}],
        "activities:project_detail": [{"pk": p}],
        "activities:project_update": [{"pk": p}],
        "activities:project_delete": [{"pk": p}],
        "activities:project_tab": [{"pk": p, "tab": tab.slug} for tab in project_tabs],
        "activities:group_list": [{}],
        "activities:group_tasks": [{"pk": world["group"].pk}],
        "activities:pick_contacts": [{"?": "contact_q=Nord"}],
        "activities:pick_company": [{"?": "company_q=Fjord"}],
        "pick_users": [
            {"field": "participants", "?": "participants_q=Kari"},
            {"field": "assignee", "?": "assignee_q=xyz"},
            {"field": "owner", "?": "owner_q=Kari"},
        ],
        "files:download": [],  # the file itself
        "files:delete": [{"pk": world["file"].pk}],
        "files:link_delete": [],  # POST only
        "files:upload": [],  # POST only
        "files:pick": [
            {"kind": "contact", "pk": c},
            {"kind": "company", "pk": co},
            {"kind": "project", "pk": p},
        ],
        "mailbox:account_list": [{}],
        "mailbox:account_create": [{}],
        "mailbox:account_update": [{"pk": acc}, {"pk": mine["oauth_account"].pk}],
        "mailbox:account_test": [],  # POST only
        "mailbox:oauth_connect": [],  # POST only, a redirect to the provider
        "mailbox:oauth_reconnect": [],  # POST only, a redirect to the provider
        "mailbox:oauth_callback": [],  # a redirect; its messages: tests/mailbox/test_oauth.py
        "mailbox:oauth_apps": [{}] if firm_admin else [],
        "mailbox:account_delete": [{"pk": acc}],
        "mailbox:detail": [{"contact_pk": c, "pk": m}],
        "mailbox:thread": [{"contact_pk": c, "pk": m}],
        "mailbox:compose": [{"contact_pk": c}],
        "mailbox:lock": [],  # POST only
        "mailbox:outgoing_retry": [],  # POST only
        "mailbox:sending_policy": [],  # POST only
        "mailbox:body": [{"pk": m}],
        "mailbox:attachment": [],  # a redirect to the file
        "cardservices:sms_send": [{"pk": c}],
        "cardservices:number_lookup": [],  # POST only
        "orders:create_for_contact": [{"pk": c}],
        "orders:create_for_company": [{"pk": co}],
        "orders:detail": [{"pk": draft}, {"pk": confirmed}],
        "orders:update": [{"pk": draft}],
        "orders:confirm": [],  # POST only
        "orders:cancel": [],  # POST only
        "orders:invoice_issue": [{"pk": confirmed}],
        "orders:invoice": [{"pk": world["invoice"].pk}],
        "orders:credit": [{"pk": world["invoice"].pk}],
        "orders:invoice_pdf": [],  # a PDF (its text: tests/orders/test_invoice_documents.py)
        "orders:invoice_ehf": [],  # XML
        "orders:invoice_send": [{"pk": world["invoice"].pk}],
        # Administrators only (staff get 403: tests/orders/test_invoice_views.py).
        "orders:firm_details": [{}] if is_firm_admin(me) else [],
        "search:results": [{"?": "q=Nordmann"}, {"?": "q=zzz"}],
        "search:suggest": [{"?": "q=Nord"}, {"?": "q=zzz"}, {"?": "q=ab&type=email"}],
        "exports:list": [],  # a download
        "exports:vcard": [],  # a download
        "exports:personal_data": [],  # POST only, a download
        "exports:erase": [{"pk": c}] if me.has_perm("contacts.administer_firm") else [],
        # The duplicates' pages are the administrators' (403 for staff: tests/duplicates).
        "duplicates:check_contact": [],  # POST only (htmx)
        "duplicates:check_company": [],  # POST only (htmx)
        "duplicates:dismiss": [],  # POST only
        "duplicates:find": [],  # POST only
        "duplicates:list": [{}, {"?": "kind=company"}] if firm_admin else [],
        "duplicates:merge": [
            {"kind": "contact", "first": world["pair"][0].pk, "second": world["pair"][1].pk}
        ]
        if firm_admin
        else [],
        "duplicates:undo": [{"pk": world["merge"].pk}] if firm_admin else [],
        # Administrators only (staff get 403: tests/imports/test_views.py).
        "imports:list": [{}] if firm_admin else [],
        "imports:create": [],  # POST only
        "imports:detail": [{"pk": job.pk} for job in world["imports"]] if firm_admin else [],
        "imports:mapping": [],  # POST only
        "imports:run": [],  # POST only
        "imports:progress": [{"pk": world["imports"][0].pk}] if firm_admin else [],
        "imports:errors": [],  # a download
        "imports:undo": [],  # POST only
        "healthz": [],  # not a page
        "tokens:list": [{}],
        "tokens:revoke": [],  # POST only
        "tokens:admin_list": [{}] if me.has_perm("contacts.administer_firm") else [],
        "tokens:admin_revoke": [],  # POST only
        "tokens:docs": [{}],
        # The webhooks are the administrators' (403 for staff: tests/api/test_webhooks.py).
        "tokens:webhook_list": [{}] if firm_admin else [],
        "tokens:webhook_create": [{}] if firm_admin else [],
        "tokens:webhook_detail": [{"pk": world["webhook"].pk}] if firm_admin else [],
        "tokens:webhook_update": [{"pk": world["webhook"].pk}] if firm_admin else [],
        "tokens:webhook_delete": [{"pk": world["webhook"].pk}] if firm_admin else [],
        "tokens:webhook_new_secret": [],  # POST only
        "tokens:delivery_retry": [],  # POST only
        "tokens:feed_renew": [],  # POST only
        "tokens:feed_stop": [],  # POST only
        "tokens:feed_appointments": [],  # a calendar file (tests/api/test_feeds.py)
        "tokens:feed_tasks": [],  # a calendar file
        "account:detail": [{}],
        "account:password_change": [{}],
        "account:password_reset": [{}],
        "account:password_reset_done": [{}],
        "account:password_reset_confirm": [{"uidb64": "MQ", "token": "abc-123"}],
        "account:password_reset_complete": [{}],
        "account:two_factor_verify": [],  # a redirect without a pending second step
        "account:two_factor_setup": [{}],
        "account:recovery_codes": [],  # POST only
        "account:second_factor_delete": [],  # POST only
        "account:two_factor_policy": [],  # POST only
        "account:two_factor_reset": [],  # POST only
    }
    # The API answers JSON, in English field names (tests/api/).
    pages |= dict.fromkeys((n for n, _p in _patterns() if n.startswith("api:")), [])
    # The passkey ceremonies answer JSON (django-otp-webauthn; tests/browser/test_account.py).
    pages |= dict.fromkeys((n for n, _p in _patterns() if n.startswith("otp_webauthn:")), [])
    return {
        name: [
            reverse(name, kwargs={k: v for k, v in kw.items() if k != "?"})
            + (f"?{kw['?']}" if "?" in kw else "")
            for kw in params
        ]
        for name, params in pages.items()
    }


def admin_urls(me) -> dict[str, list[str]]:
    """For each URL name of the admin, the URLs to open: of a model's pages, those its
    ModelAdmin lets ``me`` open (nobody adds or deletes a task result by hand)."""
    request = RequestFactory().get("/admin/")
    request.user = me
    urls = {
        "admin:index": [reverse("admin:index")],
        "admin:login": [reverse("admin:login")],
        "admin:logout": [],  # POST only
        "admin:password_change": [reverse("admin:password_change")],
        "admin:password_change_done": [reverse("admin:password_change_done")],
        "admin:jsi18n": [],  # a script
        "admin:autocomplete": [],  # JSON
        "admin:view_on_site": [],  # a redirect
        "admin:app_list": [
            reverse("admin:app_list", args=[label])
            for label in sorted({m._meta.app_label for m in admin.site._registry})
        ],
    }
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"the test makes no {opts.label}"
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        urls[f"{prefix}_changelist"] = [
            reverse(f"{prefix}_changelist"),
            reverse(f"{prefix}_changelist") + "?q=zzz",
        ]
        allowed = {
            "add": model_admin.has_add_permission(request),
            "change": model_admin.has_view_or_change_permission(request, obj),
            "history": model_admin.has_view_or_change_permission(request, obj),
            "delete": model_admin.has_delete_permission(request, obj),
        }
        for page, ok in allowed.items():
            args = [] if page == "add" else [obj.pk]
            urls[f"{prefix}_{page}"] = [reverse(f"{prefix}_{page}", args=args)] if ok else []
        if opts.label == "auth.User":
            urls[f"{prefix}_password_change"] = [
                reverse(f"{prefix}_password_change", args=[obj.pk])
            ]
    return urls


# --- forms sent back, to see their errors ----------------------------------------------------


class _PostForms(HTMLParser):
    """The fields of each POST form on a page: (action, [(name, kind, value)])."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list]] = []
        self._fields = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._fields = []
            self.forms.append((attrs.get("action") or "", self._fields))
        elif self._fields is not None and attrs.get("name"):
            if tag == "input":
                kind = attrs.get("type") or "text"
                self._fields.append((attrs["name"], kind, attrs.get("value") or ""))
            elif tag in ("select", "textarea"):
                self._fields.append((attrs["name"], tag, ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None


# What a user may type that a form refuses: a word where a number, date, phone or
# address belongs, a choice that does not exist.
_JUNK = "zz"
_NOT_TYPED = {"hidden", "checkbox", "radio", "file", "submit", "button", "reset", "image"}


def form_posts(html: str, url: str) -> list[dict]:
    """For each POST form of the page that posts back to it: its data sent empty, and
    sent with junk in every field (hidden fields, such as formset counts, as they are)."""
    parser = _PostForms()
    parser.feed(html)
    posts = []
    for action, fields in parser.forms:
        if action not in ("", url, url.split("?")[0]):
            continue
        hidden = {name: value for name, kind, value in fields if kind == "hidden"}
        junk = dict(hidden)
        for name, kind, _value in fields:
            if kind not in _NOT_TYPED:
                junk[name] = "999999" if kind == "select" else _JUNK
        posts += [hidden, junk]
    return posts


# Forms that must not be sent here: they delete, or issue an invoice number for good.
_NOT_SENT = re.compile(r"delete|invoice_issue|logout|erase|duplicates:(list|merge|undo)")
# Django's own words for a missing value, in Norwegian: seen, so the forms really were
# sent back with their errors.
_REQUIRED_NB = "Feltet er påkrevet"


# --- the walk ------------------------------------------------------------------------------

# The admin's own pages about a user name the user by login name: that is what they edit.
_LOGIN_NAME_PAGES = ("/admin/auth/user/", "/admin/axes/")


@pytest.mark.parametrize("role", ["firm_admin", "staff"])
def test_every_page_is_norwegian(client, world, role):
    me = world["users"][role]
    client.force_login(me)
    urls = crm_urls(world, me) | admin_urls(world["users"]["firm_admin"])
    names = {name for name, _pattern in _patterns()}
    assert names - urls.keys() == set(), "URL patterns this test does not open"
    users = list(world["users"].values())
    findings, opened, required = {}, 0, 0
    for name in sorted(names):
        for url in urls[name]:
            if role == "staff" and url.startswith("/admin/") and name != "admin:login":
                continue  # staff get the admin's login page, opened once
            response = client.get(url)
            expected = 302 if name == "admin:login" and role == "firm_admin" else 200
            assert response.status_code == expected, f"{url} answered {response.status_code}"
            if "text/html" not in response.get("Content-Type", ""):
                continue
            opened += 1
            ignore = url.startswith(_LOGIN_NAME_PAGES)
            html = response.content.decode()
            pages = [(url, html)]
            if not _NOT_SENT.search(name):
                for data in form_posts(html, url):
                    answer = client.post(url, data)
                    assert answer.status_code in (200, 302, 400, 403), f"POST {url}: {answer}"
                    pages.append((f"POST {url}", answer.content.decode()))
                    required += _REQUIRED_NB in pages[-1][1]
            for page, body in pages:
                for hit in english_on(body, () if ignore else users):
                    findings.setdefault(hit, []).append(page)
    assert opened > (120 if role == "firm_admin" else 60)
    assert required > (20 if role == "firm_admin" else 8)
    assert not findings, "English on Norwegian pages:\n" + "\n".join(
        f"{hit} on {len(set(pages))} page(s): {', '.join(dict.fromkeys(pages))}"
        for hit, pages in findings.items()
    )


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group()
    return [" ".join(o.split()) for o in re.findall(r"<option[^>]*>(.*?)</option>", select, re.S)]


def _chip_names(html: str) -> list[str]:
    return re.findall(r'<span class="picker-chip-label">(.*?)</span>', html, re.S)


def test_user_choices_name_users_and_blank_choices_are_norwegian(client, world):
    client.force_login(world["users"]["staff"])
    form = client.get(reverse("activities:task_create")).content.decode()
    assert _chip_names(form) == ["Ola Saksbehandler"]  # «Ansvarlig»: me, by name
    assert _options(form, "group")[0] == "– Velg –"
    found = client.get(reverse("pick_users", args=["assignee"]), {"assignee_q": "kari"})
    assert "Kari Administrator" in found.content.decode()
    contact_form = client.get(reverse("contacts:create")).content.decode()
    assert _chip_names(contact_form) == ["Ola Saksbehandler"]  # «Eier»: me, by name
    assert '<legend class="form-label fs-6">Eier</legend>' in contact_form
    assert "Finn en bruker (skriv en del av navnet)" in contact_form


def test_english_pages_stay_english(client, world):
    """The translations above are Norwegian only: in English, Django's and the libraries'
    own words, and users still by name."""
    client.force_login(world["users"]["firm_admin"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    form = client.get(reverse("activities:task_create")).content.decode()
    assert _chip_names(form) == ["Kari Administrator"]
    assert _options(form, "group")[0] == "- Select an option -"
    contact_form = client.get(reverse("contacts:create")).content.decode()
    assert _chip_names(contact_form) == ["Kari Administrator"]
    assert '<legend class="form-label fs-6">Owner</legend>' in contact_form
    contacts = " ".join(
        visible_text(client.get(reverse("admin:contacts_contact_changelist")).content.decode())
    )
    for phrase in [
        "Show counts",
        "Run",
        "Search contacts",
        "Select an option",
        "Ola Saksbehandler",
    ]:
        assert phrase in contacts
    index = " ".join(visible_text(client.get(reverse("admin:index")).content.decode()))
    for phrase in ["Login security", "Access attempts", "Background tasks", "Task Results"]:
        assert phrase in index
    assert "Innloggingssikkerhet" not in index and "Vis antall" not in contacts


def test_admin_autocomplete_names_users(client, world):
    client.force_login(world["users"]["firm_admin"])
    answer = client.get(
        reverse("admin:autocomplete"),
        {"term": "Saks", "app_label": "contacts", "model_name": "contact", "field_name": "owner"},
    ).json()
    assert [row["text"] for row in answer["results"]] == ["Ola Saksbehandler"]
