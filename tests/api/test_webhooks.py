"""Webhooks: events after commit in the API's shapes, signed, retried with back-off
through the outbound guard, never a private note or locked e-mail; the admin pages."""

import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from activities import services as activity_services
from api.models import DeliveryStatus, Webhook, WebhookDelivery
from api.webhooks import services
from api.webhooks.tasks import deliver_webhook, prepare_webhook_deliveries
from contacts import services as contact_services
from contacts.models import Contact
from duplicates.services import merge_undo, records_merge
from imports import services as import_services
from mailbox.services.email_lock import contact_email_lock
from tests.activities.factories import NoteFactory, TaskFactory
from tests.contacts.factories import ContactEmailFactory, ContactFactory
from tests.imports.files import csv_bytes
from tests.mailbox.factories import MessageContactFactory

pytestmark = pytest.mark.django_db

TASK_PATH = "api.webhooks.tasks.deliver_webhook"
PREPARE_PATH = "api.webhooks.tasks.prepare_webhook_deliveries"


# --- the receiver: a real HTTP server on loopback ------------------------------------------


class Receiver(BaseHTTPRequestHandler):
    answers: list[tuple[int, bytes]] = []
    received: list[dict] = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append({"headers": dict(self.headers), "body": body})
        status, answer = Receiver.answers.pop(0) if Receiver.answers else (200, b"ok")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


@pytest.fixture
def receiver():
    Receiver.answers, Receiver.received = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


@pytest.fixture
def webhook(receiver, firm_admin):
    return services.webhook_create(
        name="Nettbutikk",
        url=receiver,
        events=[
            "contact.created",
            "contact.updated",
            "contact.deleted",
            "note.created",
            "note.updated",
            "note.deleted",
            "task.created",
        ],
        actor=firm_admin,
    )


def verify(secret: str, body: bytes, header: str, tolerance: int = 300) -> bool:
    """The recipe in README.md («Webhooks»), word for word."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    timestamp, signature = parts["t"], parts["v1"]
    if abs(time.time() - int(timestamp)) > tolerance:  # an old delivery replayed
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), signature)


def _queued() -> list[int]:
    """The delivery ids waiting on the task backend, oldest first."""
    rows = DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").order_by("enqueued_at")
    return [row.args_kwargs["args"][0] for row in rows]


def _run(path, task):
    """What ``manage.py db_worker`` does with the tasks of ``path`` waiting now: run each
    once (what they queue in turn waits for the next call)."""
    rows = list(
        DBTaskResult.objects.filter(task_path=path, status="READY").order_by("enqueued_at")
    )
    for row in rows:
        row.delete()
        with TestCase.captureOnCommitCallbacks(execute=True):
            task.call(*row.args_kwargs["args"])


def _prepare():
    """The worker's first step: the committed changes become deliveries."""
    _run(PREPARE_PATH, prepare_webhook_deliveries)


def _run_queued():
    _prepare()
    _run(TASK_PATH, deliver_webhook)


def _forget():
    """Forget what the test's setup queued and delivered."""
    _run_queued()
    Receiver.received.clear()
    WebhookDelivery.objects.all().delete()


def test_a_delivery_is_signed_so_the_readme_recipe_verifies_it(
    webhook, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        contact = contact_services.contact_create(
            last_name="Nordmann", first_name="Kari", emails=["kari@example.no"]
        )
    _run_queued()
    [request] = Receiver.received
    headers = request["headers"]
    assert verify(webhook.secret, request["body"], headers["X-CRM-Signature"])
    assert not verify("whsec_wrong", request["body"], headers["X-CRM-Signature"])
    assert not verify(webhook.secret, request["body"] + b" ", headers["X-CRM-Signature"])
    assert headers["X-CRM-Event"] == "contact.created"
    body = json.loads(request["body"])
    # One event for the contact and its address, made in one transaction.
    assert body["event"] == "contact.created"
    assert body["data"]["id"] == contact.pk
    assert body["data"]["emails"] == ["kari@example.no"]
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.response_status == 200


def test_an_old_signature_is_refused_by_the_recipe(webhook):
    body = b'{"event": "contact.created"}'
    stale = services.sign(secret=webhook.secret, body=body, timestamp=int(time.time()) - 3600)
    assert not verify(webhook.secret, body, stale)


def test_the_payload_has_the_api_field_names(
    webhook, staff, staff_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        contact = ContactFactory(last_name="Hansen")
    with django_capture_on_commit_callbacks(execute=True):
        contact_services.contact_update(contact=contact, city="Bergen")
    _prepare()
    sent = json.loads(WebhookDelivery.objects.get(event="contact.updated").body)
    from tests.api.factories import bearer, token_for

    _token, secret = token_for(staff)
    api = staff_client.get(f"/api/v1/contacts/{contact.pk}", **bearer(secret)).json()
    assert sent["event"] == "contact.updated"
    assert set(sent["data"]) == set(api)
    assert sent["data"]["city"] == api["city"] == "Bergen"


def test_a_rolled_back_change_sends_nothing(webhook, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                ContactFactory(last_name="Borte")
                raise RuntimeError
        except RuntimeError:
            pass
        ContactFactory(last_name="Her")
    _prepare()
    [delivery] = WebhookDelivery.objects.all()
    assert json.loads(delivery.body)["data"]["last_name"] == "Her"


def test_a_rolled_back_savepoint_drops_only_its_own_changes(
    webhook, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        ContactFactory(last_name="Først")
        try:
            with transaction.atomic():
                ContactFactory(last_name="Angret")
                raise RuntimeError
        except RuntimeError:
            pass
        ContactFactory(last_name="Sist")
    _prepare()
    names = sorted(json.loads(d.body)["data"]["last_name"] for d in WebhookDelivery.objects.all())
    assert names == ["Først", "Sist"]


def test_a_change_made_outside_a_transaction_is_sent(webhook, transactional_db, receiver):
    ContactFactory(last_name="Autocommit")  # a plain save: committed at once
    _prepare()
    assert json.loads(WebhookDelivery.objects.get().body)["data"]["last_name"] == "Autocommit"


def test_a_failed_delivery_is_retried_with_back_off_until_it_gets_through(
    webhook, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_RETRY_BASE = 30
    Receiver.answers = [(500, b"Internal Server Error: database down"), (200, b"takk")]
    with django_capture_on_commit_callbacks(execute=True):
        ContactFactory(last_name="Igjen")
    before = timezone.now()
    _run_queued()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.attempts == 1
    assert delivery.response_status == 500
    assert "database down" in delivery.response_body
    retry = DBTaskResult.objects.get(task_path=TASK_PATH, status="READY")
    assert retry.args_kwargs["args"] == [delivery.pk]
    wait = retry.run_after - before
    assert dt.timedelta(seconds=29) < wait < dt.timedelta(seconds=35)
    _run_queued()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert (delivery.attempts, delivery.response_status) == (2, 200)
    assert delivery.response_body == "takk"
    first, second = Receiver.received
    assert first["body"] == second["body"]  # the same bytes, signed afresh
    assert first["headers"]["X-CRM-Delivery"] == second["headers"]["X-CRM-Delivery"]
    assert verify(webhook.secret, second["body"], second["headers"]["X-CRM-Signature"])
    assert _queued() == []


def test_the_wait_doubles_and_the_last_attempt_gives_up(
    webhook, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_RETRY_BASE, settings.WEBHOOK_MAX_ATTEMPTS = 10, 3
    Receiver.answers = [(503, b"busy")] * 3
    with django_capture_on_commit_callbacks(execute=True):
        ContactFactory(last_name="Opptatt")
    waits = []
    for _attempt in range(3):
        before = timezone.now()
        _run_queued()
        waiting = DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").first()
        if waiting:
            waits.append(round((waiting.run_after - before).total_seconds()))
    assert waits == [10, 20]
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 3
    assert len(Receiver.received) == 3


def test_the_guard_refuses_an_internal_address(
    webhook, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOUND_ALLOWED_HOSTS = []
    with django_capture_on_commit_callbacks(execute=True):
        ContactFactory(last_name="Intern")
    _run_queued()
    delivery = WebhookDelivery.objects.get()
    assert Receiver.received == []
    assert delivery.response_status is None
    assert "intern adresse" in delivery.error
    assert delivery.status == DeliveryStatus.RETRYING


def test_a_private_note_is_never_delivered(webhook, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        contact = ContactFactory()
    _forget()
    with django_capture_on_commit_callbacks(execute=True):
        secret_note = activity_services.note_create(
            author=staff, text="Hemmelig lønn", private=True, contact=contact
        )
    with django_capture_on_commit_callbacks(execute=True):
        activity_services.note_update(note=secret_note, text="Hemmelig bonus", private=True)
    with django_capture_on_commit_callbacks(execute=True):
        activity_services.note_delete(note=secret_note, actor=staff)
    with django_capture_on_commit_callbacks(execute=True):
        public = NoteFactory(contact=contact, author=staff, text="Åpent notat")
    _forget()
    with django_capture_on_commit_callbacks(execute=True):
        activity_services.note_update(note=public, text="Nå hemmelig", private=True)
    with django_capture_on_commit_callbacks(execute=True):
        activity_services.note_create(author=staff, text="Alle ser dette", contact=contact)
    _run_queued()
    events = [json.loads(r["body"]) for r in Receiver.received]
    assert [e["event"] for e in events] == ["note.created"]
    assert events[0]["data"]["text"] == "Alle ser dette"
    sent = b"".join(r["body"] for r in Receiver.received).decode()
    assert "Hemmelig" not in sent and "hemmelig" not in sent


def test_a_contacts_locked_email_is_never_delivered(webhook, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        contact = ContactFactory(last_name="Sperret", email_locked=True)
        MessageContactFactory(
            contact=contact, message__subject="Fortrolig tilbud", message__text_body="Pris 1 mill."
        )
    _forget()
    with django_capture_on_commit_callbacks(execute=True):
        contact_services.contact_update(contact=contact, city="Tromsø")
    _run_queued()
    [request] = Receiver.received
    body = request["body"].decode()
    assert json.loads(body)["data"]["email_locked"] is True
    assert "Fortrolig" not in body and "1 mill" not in body


def test_a_deleted_contact_is_sent_as_its_id(webhook, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        contact = ContactFactory()
    _forget()
    pk = contact.pk
    with django_capture_on_commit_callbacks(execute=True):
        contact_services.contact_delete(contact=contact)
    _run_queued()
    [request] = Receiver.received
    assert json.loads(request["body"])["event"] == "contact.deleted"
    assert json.loads(request["body"])["data"] == {"id": pk}


def test_only_the_chosen_events_of_active_webhooks_are_sent(
    webhook, receiver, firm_admin, django_capture_on_commit_callbacks
):
    services.webhook_create(
        name="Av", url=receiver, events=["contact.created"], actor=firm_admin, active=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        from tests.companies.factories import CompanyFactory

        CompanyFactory()  # nobody listens to companies
        ContactFactory()
    _prepare()
    assert list(WebhookDelivery.objects.values_list("webhook", "event")) == [
        (webhook.pk, "contact.created")
    ]


# --- writes in bulk (COPY, update()): heard through crm.signals.rows_written -------------


def _sent() -> list[tuple[str, dict]]:
    """(event, data) of each delivery the receiver got, in order."""
    _run_queued()
    return [
        (body["event"], body["data"])
        for body in (json.loads(request["body"]) for request in Receiver.received)
    ]


def _import(rows, user):
    """Upload, dry run and import a CSV file (as the background task would); the job."""
    header = ["Etternavn", "Fornavn", "E-post", "Poststed"]
    upload = SimpleUploadedFile("kunder.csv", csv_bytes(rows, header=header))
    job = import_services.job_create(upload=upload, user=user)
    import_services.job_preview(job=job)
    return import_services.job_run(job=job)


IMPORTED = [["Hansen", "Ola", "ola@aune.no", "Trondheim"], ["Ny", "Nina", "nina@ny.no", "Oslo"]]


def test_an_import_sends_its_new_and_changed_contacts(
    webhook, firm_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ola = ContactFactory(first_name="Ola", last_name="Hansen", city="Bergen")
        ContactEmailFactory(contact=ola, email="ola@aune.no")
    _forget()
    with django_capture_on_commit_callbacks(execute=True):
        _import(IMPORTED, firm_admin)
    sent = _sent()
    nina = Contact.objects.get(last_name="Ny")
    assert sorted((event, data["id"]) for event, data in sent) == sorted(
        [("contact.updated", ola.pk), ("contact.created", nina.pk)]
    )
    # Each as it now is, its e-mail address included.
    assert {data["id"]: (data["city"], data["emails"]) for _e, data in sent} == {
        ola.pk: ("Trondheim", ["ola@aune.no"]),
        nina.pk: ("Oslo", ["nina@ny.no"]),
    }


def test_undoing_an_import_sends_the_restored_and_the_removed_contacts(
    webhook, firm_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ola = ContactFactory(first_name="Ola", last_name="Hansen", city="Bergen")
        ContactEmailFactory(contact=ola, email="ola@aune.no")
    with django_capture_on_commit_callbacks(execute=True):
        job = _import(IMPORTED, firm_admin)
    nina = Contact.objects.get(last_name="Ny")
    _forget()
    with django_capture_on_commit_callbacks(execute=True):
        import_services.job_undo(job=job, actor=firm_admin)
    sent = _sent()
    assert sorted((event, data["id"]) for event, data in sent) == sorted(
        [("contact.updated", ola.pk), ("contact.deleted", nina.pk)]
    )
    assert dict(sent)["contact.updated"]["city"] == "Bergen"


def test_locking_a_contacts_email_is_sent_as_an_update(
    webhook, firm_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        contact = ContactFactory()
    _forget()
    with django_capture_on_commit_callbacks(execute=True):
        contact_email_lock(contact=contact, actor=firm_admin)
    [(event, data)] = _sent()
    assert (event, data["id"], data["email_locked"]) == ("contact.updated", contact.pk, True)


def test_a_merge_sends_the_moved_notes_and_tasks_and_the_merged_away_contact(
    webhook, staff, firm_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        survivor = ContactFactory(last_name="Hansen")
        loser = ContactFactory(last_name="Hansen")
        moved = activity_services.note_create(author=staff, text="Ringte", contact=loser)
        secret = activity_services.note_create(
            author=staff, text="Hemmelig", private=True, contact=loser
        )
        task = TaskFactory()
        task.contacts.add(loser)
    _forget()
    loser_pk = loser.pk
    with django_capture_on_commit_callbacks(execute=True):
        records_merge(survivor=survivor, loser=loser, take_from_loser=[], actor=firm_admin)
    sent = _sent()
    events = {(event, data["id"]) for event, data in sent}
    assert ("note.updated", moved.pk) in events
    assert ("contact.deleted", loser_pk) in events
    assert ("contact.updated", survivor.pk) in events
    # The task's contacts are a many-to-many table: the task itself is what changed.
    assert ("task.updated", task.pk) not in events  # nobody listens to task.updated here
    notes = [data for event, data in sent if event == "note.updated"]
    assert [data["contact"] for data in notes] == [survivor.pk]
    # A private note moves too, and is never sent.
    assert all(data["id"] != secret.pk for _e, data in sent)
    body = b"".join(request["body"] for request in Receiver.received).decode()
    assert "Hemmelig" not in body


def test_a_merge_sends_a_task_whose_contact_moved_to_whoever_listens(
    receiver, firm_admin, django_capture_on_commit_callbacks
):
    services.webhook_create(
        name="Oppgaver", url=receiver, events=["task.updated"], actor=firm_admin
    )
    with django_capture_on_commit_callbacks(execute=True):
        survivor, loser = ContactFactory(), ContactFactory()
        task = TaskFactory()
        task.contacts.add(loser)
    _forget()
    with django_capture_on_commit_callbacks(execute=True):
        records_merge(survivor=survivor, loser=loser, take_from_loser=[], actor=firm_admin)
    [(event, data)] = _sent()
    assert (event, data["id"], data["contacts"]) == ("task.updated", task.pk, [survivor.pk])


def test_undoing_a_merge_sends_the_notes_moved_back(
    webhook, staff, firm_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        survivor, loser = ContactFactory(), ContactFactory()
        moved = activity_services.note_create(author=staff, text="Ringte", contact=loser)
        merge = records_merge(survivor=survivor, loser=loser, take_from_loser=[], actor=firm_admin)
    _forget()
    with django_capture_on_commit_callbacks(execute=True):
        merge_undo(merge=merge, actor=firm_admin)
    notes = [data for event, data in _sent() if event == "note.updated"]
    assert [(data["id"], data["contact"]) for data in notes] == [(moved.pk, loser.pk)]


# --- the pages ---------------------------------------------------------------------------

PAGES = ["list", "create", "detail", "update", "delete"]


def _url(name, hook=None):
    return reverse(f"tokens:webhook_{name}", args=[hook.pk] if hook else [])


def _page_urls(hook):
    return [_url("list"), _url("create")] + [_url(n, hook) for n in PAGES[2:]]


def test_anonymous_users_are_sent_to_log_in(client, webhook):
    for url in _page_urls(webhook):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_staff_without_the_administrator_role_get_403(staff_client, webhook):
    for url in _page_urls(webhook):
        assert staff_client.get(url).status_code == 403
    assert staff_client.post(_url("delete", webhook)).status_code == 403
    assert staff_client.post(_url("new_secret", webhook)).status_code == 403
    assert Webhook.objects.filter(pk=webhook.pk).exists()


def test_no_crm_access_gets_403(client, no_access_user, webhook):
    client.force_login(no_access_user)
    assert client.get(_url("list")).status_code == 403


def test_an_administrator_registers_edits_and_deletes_a_webhook(client, firm_admin, receiver):
    client.force_login(firm_admin)
    response = client.post(
        _url("create"),
        {
            "name": "Regnskap",
            "url": receiver,
            "events": ["task.created", "company.updated"],
            "active": "on",
        },
    )
    hook = Webhook.objects.get(name="Regnskap")
    assert response.status_code == 302 and response["Location"] == _url("detail", hook)
    assert hook.events == ["company.updated", "task.created"]
    assert hook.secret.startswith("whsec_")
    page = client.get(_url("detail", hook)).content.decode()
    assert hook.secret in page
    client.post(
        _url("update", hook),
        {"name": "Regnskap 2", "url": receiver, "events": ["task.deleted"]},
    )
    hook.refresh_from_db()
    assert (hook.name, hook.events, hook.active) == ("Regnskap 2", ["task.deleted"], False)
    old = hook.secret
    client.post(_url("new_secret", hook))
    hook.refresh_from_db()
    assert hook.secret != old
    assert client.get(_url("delete", hook)).status_code == 200
    assert client.post(_url("delete", hook)).status_code == 302
    assert not Webhook.objects.filter(pk=hook.pk).exists()


def test_the_page_shows_the_last_deliveries_with_their_answer(
    client, firm_admin, webhook, django_capture_on_commit_callbacks
):
    Receiver.answers = [(500, b"Feil hos mottaker")]
    with django_capture_on_commit_callbacks(execute=True):
        ContactFactory()
    _run_queued()
    client.force_login(firm_admin)
    page = client.get(_url("detail", webhook)).content.decode()
    assert "contact.created" in page
    assert "500" in page and "Feil hos mottaker" in page


def test_a_failed_delivery_can_be_sent_again(
    client, firm_admin, webhook, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    Receiver.answers = [(500, b"nei")]
    with django_capture_on_commit_callbacks(execute=True):
        ContactFactory()
    _run_queued()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    client.force_login(firm_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("tokens:delivery_retry", args=[delivery.pk]))
    _run_queued()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED


@pytest.mark.parametrize(
    "data",
    [
        {"name": " ", "url": "javascript:alert(1)", "events": ["contact.exploded"]},
        {"name": "x" * 500, "url": "http://" + "a" * 600 + ".no/", "events": "contact.created"},
        {"name": "\x00", "url": "ftp://example.no/", "events": ["", "\x00"]},
        {"name": "Ok", "url": "http://[::1", "events": ["contact.created"], "active": "ja"},
    ],
)
def test_hostile_input_is_refused_without_a_server_error(client, firm_admin, webhook, data):
    client.force_login(firm_admin)
    for url in (_url("create"), _url("update", webhook)):
        response = client.post(url, data)
        assert response.status_code == 200
        assert "is-invalid" in response.content.decode()
    assert Webhook.objects.count() == 1


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:8000/", "http://[::1]/"]
)
def test_an_internal_ip_address_is_refused_when_registered(client, firm_admin, settings, url):
    settings.OUTBOUND_ALLOWED_HOSTS = []
    client.force_login(firm_admin)
    response = client.post(
        _url("create"), {"name": "Intern", "url": url, "events": ["task.created"]}
    )
    assert response.status_code == 200
    assert "intern adresse" in response.content.decode()
    assert not Webhook.objects.exists()


def test_unknown_webhooks_and_deliveries_are_404(client, firm_admin):
    client.force_login(firm_admin)
    assert client.get("/api/webhooks/99999/").status_code == 404
    assert client.post("/api/webhooks/deliveries/99999/retry/").status_code == 404
    assert client.get("/api/webhooks/abc/").status_code == 404


def test_the_pages_cost_a_fixed_number_of_queries(
    client, firm_admin, webhook, receiver, django_assert_max_num_queries
):
    for n in range(10):
        hook = services.webhook_create(
            name=f"Krok {n}", url=receiver, events=["task.created"], actor=firm_admin
        )
        WebhookDelivery.objects.bulk_create(
            WebhookDelivery(webhook=hook, event="task.created", body="{}") for _ in range(5)
        )
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(webhook=webhook, event="contact.created", body="{}") for _ in range(40)
    )
    client.force_login(firm_admin)
    with django_assert_max_num_queries(8):
        assert client.get(_url("list")).status_code == 200
    with django_assert_max_num_queries(8):
        page = client.get(_url("detail", webhook))
    assert page.content.decode().count("<td><code>contact.created</code></td>") == 25


def test_the_task_worker_delivers_a_change(transactional_db, receiver, firm_admin):
    """End to end: a service's change, its commit, ``manage.py db_worker`` sending it."""
    from django.core.management import call_command

    hook = services.webhook_create(
        name="Worker", url=receiver, events=["task.created"], actor=firm_admin
    )
    task = activity_services.task_create(actor=firm_admin, title="Send tilbud")
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    [request] = Receiver.received
    assert verify(hook.secret, request["body"], request["headers"]["X-CRM-Signature"])
    assert json.loads(request["body"])["data"]["id"] == task.pk
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED


def test_a_change_nobody_listens_to_queues_nothing(
    webhook, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    from tests.companies.factories import CompanyFactory

    with django_capture_on_commit_callbacks() as callbacks:
        CompanyFactory()  # the webhook listens to contacts, notes and tasks only
    with django_assert_max_num_queries(1):  # is anyone listening?
        for callback in callbacks:
            callback()
    assert not DBTaskResult.objects.exists()
