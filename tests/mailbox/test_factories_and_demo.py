import pytest

from mailbox.models import MailAccount, Message, MessageContact
from mailbox.tasks import sync_all_mail
from tests.contacts.factories import ContactEmailFactory
from tests.mailbox.factories import (
    MailAccountFactory,
    MailFolderStateFactory,
    MessageAddressFactory,
    MessageAttachmentFactory,
    MessageContactFactory,
    MessageCopyFactory,
)

pytestmark = pytest.mark.django_db


def test_factories_make_consistent_rows():
    MailFolderStateFactory()
    MessageCopyFactory()
    MessageAddressFactory()
    MessageContactFactory()
    attachment = MessageAttachmentFactory()
    assert attachment.message.has_attachments
    assert MailAccount.objects.count() == 2


def test_demo_seed_links_mail_to_demo_contacts_and_is_idempotent(staff, firm_admin):
    from crm.demo import DemoContext
    from mailbox import demo

    for _ in range(3):
        ContactEmailFactory()
    ctx = DemoContext(contacts=0, companies=0, seed=1, admin=firm_admin, staff=staff, quiet=True)
    demo.seed(ctx)
    count = Message.objects.count()
    demo.seed(ctx)
    assert count == 12 == Message.objects.count()
    assert MessageContact.objects.count() == 12


def test_scheduled_sync_enqueues_each_account_and_the_next_run(
    settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    MailAccountFactory.create_batch(2)
    with django_capture_on_commit_callbacks(execute=True):
        assert sync_all_mail.call() == 2
    paths = sorted(DBTaskResult.objects.values_list("task_path", flat=True))
    assert paths == [
        "mailbox.tasks.sync_account_mail",
        "mailbox.tasks.sync_account_mail",
        "mailbox.tasks.sync_all_mail",
    ]


def test_scheduling_twice_queues_one_run(django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from mailbox.tasks import schedule_next_sync

    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_next_sync(now=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert not schedule_next_sync(now=True)
    assert DBTaskResult.objects.filter(task_path="mailbox.tasks.sync_all_mail").count() == 1
