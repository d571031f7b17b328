"""No 500 from any parameter (issue #14, item 4): every URL pattern the project answers,
walked with crafted input, signed in as office staff and as a firm administrator.

The walk grows with the URL list by itself:

- every leaf of ``get_resolver()`` (included apps and Django admin too) is walked;
- path converters are filled with the id of real objects: the test creates one object of
  each kind with the same primary key ``N``; string converters (a tab's slug, a file
  area's kind, an admin app label, a text primary key) take the values that links in the
  pages seen so far give them;
- then each converter in turn takes every crafted value its pattern accepts;
- the parameters sent are the ones the view reads: each request's ``request.GET`` and
  ``request.POST`` note the names asked for, and a view that reads them wholesale (a
  filter form, Django admin's change list) gets every name of ``KNOWN_PARAMS``.

Each request runs in a savepoint that is rolled back, so a POST that deletes or changes
an object leaves it for the next URL. A request that ends the session (log out) is
followed by a fresh login.
"""

from __future__ import annotations

import html
import re
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlencode, urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django.urls.converters import IntConverter
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern

from mailbox.oauth.services import oauth_app_save
from tests.activities.factories import AppointmentFactory, NoteFactory, ProjectFactory, TaskFactory
from tests.cardservices.factories import NumberLookupFactory, SmsMessageFactory
from tests.companies.factories import CompanyFactory, CompanyLinkFactory
from tests.contacts.factories import CategoryFactory, ContactEmailFactory, CustomerContactFactory
from tests.crm.factories import UserFactory
from tests.files.factories import FileLinkFactory, StoredFileFactory
from tests.history.factories import HistoryEntryFactory
from tests.mailbox.factories import (
    MailAccountFactory,
    MailFolderStateFactory,
    MessageAddressFactory,
    MessageAttachmentFactory,
    MessageContactFactory,
    MessageCopyFactory,
    MessageFactory,
    OutgoingMailFactory,
)
from tests.orders.factories import (
    InvoiceCounterFactory,
    InvoiceFactory,
    OrderFactory,
    OrderLineFactory,
)

pytestmark = pytest.mark.django_db

# The primary key of one object of every kind.
N = 987654

HUGE = "99999999999999999999"  # past PostgreSQL's bigint
# Sent as the value of each parameter a view reads.
HOSTILE = [
    "²",  # a digit to str.isdigit(), not to int()
    HUGE,
    "-1",
    "\x00",
    # Not a number; a header injection; 10,000 characters (cut short, still a line break).
    "Tilbud\r\nBcc: alle@example.no " + "x" * 10_000,
]
# Each query-string parameter of this project's views also alone (the others absent), so
# that a view refusing the first one it reads does not hide how it reads the next. (A
# form validates every field whatever the others hold.)
ALONE = ["²", HUGE, "\x00"]
# A request that reads the parameters at all: ``request.GET or None`` is None without.
PROBE = "walk"
# Formsets read a name per row: enough of them to see how each kind is read.
MAX_NAMES = 100
# In place of a path converter's value, where the converter's pattern takes it.
HOSTILE_PATH = ["0", HUGE, "²", "-1", "abc", "\x00", "a\r\nb", "x" * 10_000]

# The names the code reads (grep for request.GET / request.POST / getlist and for the
# forms' fields), sent to views that read their parameters wholesale.
KNOWN_PARAMS = [
    "page", "q", "contact", "contacts", "company", "project", "participants",
    "contact_persons", "group", "user", "assignee", "date", "week", "view", "start",
    "status", "f", "ids", "file", "in", "sort", "next", "link_contact", "name",
    "orders_page", "invoices_page", "contact_q", "company_q", "saved", "locked",
    "date_from", "date_to", "kind", "type", "match", "selection", "category", "text",
    "subject", "to", "body", "field", "title", "p", "o", "e", "_to_field", "_popup",
    "_changelist_filters", "language", "lines-TOTAL_FORMS", "add_line",
]  # fmt: skip
WHOLESALE = "*"

# Values from links per route: enough to open every tab, not every row of a list.
MAX_HARVESTED = 16


# --- noting which parameters a view reads ----------------------------------------------

_reads: set[tuple[str, str]] = set()


class _NotingQueryDict(QueryDict):
    """``request.GET`` / ``request.POST`` that note each name asked for."""

    _source = "GET"

    def _note(self, key):
        _reads.add((self._source, key))

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self._note(key)
        return super().getlist(key, default)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)

    def __iter__(self):
        self._note(WHOLESALE)
        return super().__iter__()

    def items(self):
        self._note(WHOLESALE)
        return super().items()

    def lists(self):
        self._note(WHOLESALE)
        return super().lists()

    def dict(self):
        self._note(WHOLESALE)
        return super().dict()

    def urlencode(self, safe=None):
        self._note(WHOLESALE)
        return super().urlencode(safe)

    def __deepcopy__(self, memo):
        self._note(WHOLESALE)
        result = super().__deepcopy__(memo)
        result._source = self._source
        return result


def _noting(querydict, source: str) -> QueryDict:
    querydict.__class__ = _NotingQueryDict
    querydict._source = source
    return querydict


class NoteReads:
    """Test middleware: wraps the request's GET and POST in :class:`_NotingQueryDict`.
    POST is wrapped when the view first reads it, so that a view may still choose its
    upload handlers (the file area does)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = _noting(request.GET, "GET")
        load = request._load_post_and_files

        def load_and_note():
            load()
            request._post = _noting(request._post, "POST")

        request._load_post_and_files = load_and_note
        return self.get_response(request)


# --- the URL patterns ------------------------------------------------------------------

_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass
class Slot:
    name: str
    regex: str
    numeric: bool  # an int converter: its valid value is always N

    def takes(self, value: str) -> bool:
        return re.fullmatch(self.regex, value) is not None


@dataclass
class Route:
    """One leaf URL pattern: literal pieces and converter slots, in order."""

    route: str  # as ResolverMatch.route gives it
    parts: list  # str | Slot
    harvested: list = field(default_factory=list)  # kwargs seen in links

    @property
    def slots(self) -> list[Slot]:
        return [p for p in self.parts if isinstance(p, Slot)]

    def path(self, values: dict) -> str:
        return "/" + "".join(
            quote(values[p.name], safe="") if isinstance(p, Slot) else p for p in self.parts
        )


def _route_parts(pattern) -> list:
    if isinstance(pattern, RoutePattern):
        parts, pos, route = [], 0, str(pattern)
        for m in _ROUTE_PARAM.finditer(route):
            parts.append(route[pos : m.start()])
            converter = pattern.converters[m["name"]]
            parts.append(Slot(m["name"], converter.regex, isinstance(converter, IntConverter)))
            pos = m.end()
        parts.append(route[pos:])
        return [p for p in parts if p != ""]
    assert isinstance(pattern, RegexPattern), pattern
    regex = str(pattern).removeprefix("^").removesuffix("$")
    parts, pos = [], 0
    for m in re.finditer(r"\(\?P<(\w+)>", regex):
        parts.append(re.sub(r"\\(.)", r"\1", regex[pos : m.start()]))
        depth, end = 1, m.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(regex[end], 0)
            end += 1
        parts.append(Slot(m[1], regex[m.end() : end - 1], False))
        pos = end
    parts.append(re.sub(r"\\(.)", r"\1", regex[pos:]))
    return [p for p in parts if p != ""]


def _join_route(route1: str, route2: str) -> str:
    # As django.urls.resolvers.URLResolver._join_route.
    return route1 + (route2[1:] if route2.startswith("^") else route2)


def all_routes() -> list[Route]:
    """Every leaf of the URL tree, each with its converters."""

    def walk(patterns, route, parts):
        for entry in patterns:
            here = _join_route(route, str(entry.pattern))
            more = parts + _route_parts(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, here, more)
            else:
                yield Route(here, more)

    return list(walk(get_resolver().url_patterns, "", []))


def _match(path: str):
    try:
        return resolve(unquote(urlsplit(path).path))
    except Resolver404:
        return None


# --- the objects behind the ids --------------------------------------------------------


def _world():
    """One object of each kind with the primary key N, linked to each other, and the two
    users: office staff (user N, who owns the mail account, the note, …) and an
    administrator of the firm."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from files.models import StoredFile
    from tests.mailbox.dovecot import free_port

    staff = UserFactory(id=N, username="walk-staff")
    admin = UserFactory(username="walk-admin", firm_admin=True)
    group = Group.objects.create(id=N, name="Salg")
    staff.groups.add(group)
    contact = CustomerContactFactory(id=N, owner=staff, last_name="Hansen")
    contact.categories.add(CategoryFactory(id=N))
    ContactEmailFactory(id=N, contact=contact, email="pat@example.no")
    company = CompanyFactory(id=N, owner=staff, customer_number=700001)
    CompanyLinkFactory(id=N, contact=contact, company=company)
    project = ProjectFactory(id=N)
    project.participants.add(contact)
    appointment = AppointmentFactory(id=N, owner=staff, company=company)
    appointment.contacts.add(contact)
    appointment.participants.add(staff)
    task = TaskFactory(id=N, assignee=staff, group=group, company=company)
    task.contacts.add(contact)
    NoteFactory(id=N, author=staff, contact=contact)
    stored = StoredFileFactory(name="tilbud.txt", content=b"Tilbud", uploader=staff)
    StoredFile.objects.filter(pk=stored.pk).update(id=N)
    FileLinkFactory(id=N, file=StoredFile.objects.get(pk=N), contact=contact, linked_by=staff)
    HistoryEntryFactory(id=N, contact=contact, actor=staff)
    # A closed port on loopback: «test connection» fails at once, off the network.
    account = MailAccountFactory(
        id=N, user=staff, host="127.0.0.1", port=free_port(), security="none"
    )
    MailFolderStateFactory(id=N, account=account)
    # Sign-in with Microsoft 365 and Google set up (the account page links «Koble til …»),
    # and an account whose access was revoked (it links «Koble til på nytt»). Nothing
    # reaches a provider: the walk stops at the redirect to it.
    for provider in ("microsoft", "google"):
        oauth_app_save(provider=provider, client_id="crm-app", client_secret="s", tenant="")
    MailAccountFactory(
        user=staff, sign_in="microsoft", host="outlook.office365.com", needs_reconnect=True
    )
    message = MessageFactory(id=N, has_attachments=True)
    MessageCopyFactory(id=N, message=message, account=account)
    MessageAddressFactory(id=N, message=message)
    MessageContactFactory(id=N, message=message, contact=contact)
    MessageAttachmentFactory(id=N, message=message)
    OutgoingMailFactory(id=N, message=message, contact=contact, created_by=staff, account=account)
    SmsMessageFactory(id=N, contact=contact, sent_by=staff)
    NumberLookupFactory(id=N, contact=contact, looked_up_by=staff)
    order = OrderFactory(id=N, contact=contact)
    OrderLineFactory(id=N, order=order)
    InvoiceCounterFactory()
    InvoiceFactory(id=N, order=OrderFactory(contact=contact, status="invoiced"))
    AccessAttempt.objects.create(id=N, username="walk-staff", failures_since_start=1)
    AccessLog.objects.create(id=N, username="walk-staff")
    AccessFailureLog.objects.create(id=N, username="walk-staff")
    return staff, admin


# --- the walk --------------------------------------------------------------------------

_LINK = re.compile(r'(?:href|src|action|hx-get|hx-post)="([^"]*)"')
_FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')


def _ours(match) -> bool:
    """Whether the view is this project's code (not Django's or a library's)."""
    view = getattr(match.func, "view_class", match.func)
    module = sys.modules[view.__module__.partition(".")[0]]
    path = Path(getattr(module, "__file__", "") or "/").resolve()
    return path.is_relative_to(settings.BASE_DIR) and "site-packages" not in path.parts


class Walk:
    def __init__(self, users):
        self.users = users  # the last one may open every page: it also walks crafted paths
        self.clients = {u.pk: _signed_in(Client(raise_request_exception=False), u) for u in users}
        self.failures: list[str] = []
        self.requests = 0
        self.routes = {r.route: r for r in all_routes()}
        self.answered: dict[str, set[int]] = {r: set() for r in self.routes}
        self.reads: dict[tuple[str, str], set] = {}  # (path, method) -> {(source, name)}
        self.seen: dict[str, set] = {r: set() for r in self.routes}

    def send(self, user, method: str, path: str, query=(), data=None):
        """One request in a rolled-back savepoint; a 5xx is written down."""
        client = self.clients[user.pk]
        session = _session(client)
        url = path + ("?" + urlencode(list(query)) if query else "")
        _reads.clear()
        savepoint = transaction.atomic()
        # Stands in for a test case's own transaction, as Django's TestCase marks its
        # blocks: a durable block of the code under test (committing before a mail
        # leaves) may open inside it, as it does inside TestCase.
        savepoint._from_testcase = True
        with savepoint:
            response = getattr(client, method)(url, data or {})
            transaction.set_rollback(True)
        self.requests += 1
        if _session(client) != session:
            _signed_in(client, user)  # logged out: sign in again for the next request
        if response.status_code >= 500:
            self.failures.append(_describe(user, method, url, data, response))
        return response, set(_reads)

    def harvest(self, response, path: str) -> None:
        """The links in a page: values for string converters, names of parameters; and
        the names of its form fields, posted back to it."""
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            return
        page = response.content.decode(errors="replace")
        self.reads.setdefault((path, "post"), set()).update(
            ("POST", html.unescape(name)) for name in _FIELD.findall(page)
        )
        for raw in _LINK.findall(page):
            link = urlsplit(urljoin(path, html.unescape(raw)))
            if link.scheme or link.netloc or not link.path.startswith("/"):
                continue
            match = _match(link.path)
            if match is None or match.route not in self.routes:
                continue
            route = self.routes[match.route]
            for method in ("get", "post"):
                self.reads.setdefault((link.path, method), set()).update(
                    ("GET", name) for name in QueryDict(link.query)
                )
            kwargs = {s.name: str(match.kwargs[s.name]) for s in route.slots}
            key = tuple(kwargs[s.name] for s in route.slots if not s.numeric)
            if key and key not in self.seen[route.route] and any(v != str(N) for v in key):
                self.seen[route.route].add(key)
                route.harvested.append(kwargs)

    def walk(self, route: Route, values: dict, *, vary_path: bool) -> None:
        path = route.path(values)
        match = _match(path)
        if match is None or match.route != route.route:
            return
        for user in self.users:
            allowed = []
            for method in ("get", "post"):
                # With one parameter: a view reading ``request.GET or None`` reads them.
                query, data = ([(PROBE, "1")], None) if method == "get" else ((), {PROBE: "1"})
                response, reads = self.send(user, method, path, query, data)
                self.answered[route.route].add(response.status_code)
                self.harvest(response, path)
                if response.status_code != 405:
                    allowed.append(method)
                    self.reads.setdefault((path, method), set()).update(reads)
            for method in allowed:
                self._hostile_params(user, route, method, path, alone=_ours(match))
        if vary_path:
            self._hostile_path(self.users[-1], route, values, allowed)

    def _hostile_params(self, user, route, method, path, *, alone: bool) -> None:
        done: set = set()
        for _round in range(3):  # names a view reads only when another one is there
            reads = self.reads[(path, method)] - done
            if not reads:
                return
            done |= reads
            read = sorted((s, n) for s, n in reads if n not in (WHOLESALE, PROBE))[:MAX_NAMES]
            names = set(read)
            for source, name in reads:
                if name == WHOLESALE:
                    names |= {(source, known) for known in KNOWN_PARAMS}
            for value in HOSTILE:
                self._send_params(user, route, method, path, dict.fromkeys(names, value))
            if alone and method == "get":
                for name in read:
                    for value in ALONE:
                        self._send_params(user, route, method, path, {name: value})

    def _send_params(self, user, route, method, path, params) -> None:
        query = [(name, v) for (source, name), v in params.items() if source == "GET"]
        data = {name: v for (source, name), v in params.items() if source == "POST"}
        if method == "get":
            query, data = query + list(data.items()), None
        _response, reads = self.send(user, method, path, query, data)
        self.reads[(path, method)].update(reads)

    def _hostile_path(self, user, route, values, allowed) -> None:
        for slot in route.slots:
            for value in HOSTILE_PATH:
                if slot.takes(value) and value != values[slot.name]:
                    path = route.path({**values, slot.name: value})
                    self.send(user, "get" if "get" in allowed or not allowed else "post", path)

    def run(self) -> None:
        """Each route with the ids N, then with the values links gave (tabs, kinds, …),
        until the pages show no new ones."""
        pending = [
            (route, {s.name: str(N) for s in route.slots}, True)
            for route in self.routes.values()
            if all(slot.takes(str(N)) for slot in route.slots)
        ]
        walked: set = set()
        while pending:
            for route, values, vary_path in pending:
                walked.add((route.route, tuple(values.items())))
                self.walk(route, values, vary_path=vary_path)
            pending = []
            for route in self.routes.values():
                fresh = [
                    kwargs
                    for kwargs in route.harvested
                    if (route.route, tuple(kwargs.items())) not in walked
                ]
                numeric = [k for k in fresh if all(v.isdecimal() for v in k.values())]
                # Other rows of a list (numbers) only where the ids N found nothing.
                if numeric and self.answered[route.route] - {404}:
                    fresh = [k for k in fresh if k not in numeric]
                else:
                    fresh = [k for k in fresh if k not in numeric[1:]]
                pending += [
                    (route, kwargs, i == 0 and not self.answered[route.route] - {404})
                    for i, kwargs in enumerate(fresh[:MAX_HARVESTED])
                ]


def _session(client) -> str | None:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie else None


def _signed_in(client, user):
    client.force_login(user)
    return client


def _describe(user, method, url, data, response) -> str:
    where = f"{method.upper()} {url[:200]}"
    if data:
        where += f" data={ {k: v[:40] for k, v in data.items()} }"
    text = f"{response.status_code} as {user.username}: {where}"
    if response.exc_info:
        last = traceback.extract_tb(response.exc_info[2])[-1]
        text += f"\n    {response.exc_info[1]!r} at {last.filename}:{last.lineno}"
    return text


def test_no_url_answers_a_crafted_parameter_with_a_server_error(settings):
    settings.MIDDLEWARE = ["tests.crm.test_hostile_input.NoteReads", *settings.MIDDLEWARE]
    staff, admin = _world()
    walk = Walk([staff, admin])
    started = time.monotonic()
    walk.run()
    seconds = time.monotonic() - started
    print(f"{walk.requests} requests to {len(walk.routes)} URL patterns in {seconds:.1f} s")
    # Each pattern was opened with the ids of real objects (or values from links), as
    # one user or the other: not only refused as unknown.
    unreached = sorted(route for route, codes in walk.answered.items() if not codes - {404})
    assert not unreached, f"walked with no real object behind it: {unreached}"
    assert not walk.failures, (
        f"{len(walk.failures)} of {walk.requests} requests answered 5xx:\n"
        + "\n".join(walk.failures[:40])
    )
