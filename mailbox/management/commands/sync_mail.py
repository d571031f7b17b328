from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from mailbox.models import MailAccount
from mailbox.services.sync import account_sync


class Command(BaseCommand):
    help = "Read new e-mail from the users' IMAP accounts and link it to contacts."

    def add_arguments(self, parser):
        parser.add_argument("--user", help="only this user's accounts (user name)")
        parser.add_argument("--account", type=int, help="only this account (id)")
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="enqueue the recurring sync for `manage.py db_worker` and exit",
        )

    def handle(self, *args, user=None, account=None, schedule=False, **options):
        if schedule:
            from mailbox.tasks import schedule_next_sync

            queued = schedule_next_sync(now=True)
            self.stdout.write("Scheduled." if queued else "Already scheduled.")
            return
        accounts = MailAccount.objects.order_by("id")
        if user:
            if not get_user_model().objects.filter(username=user).exists():
                raise CommandError(f"No user {user!r}.")
            accounts = accounts.filter(user__username=user)
        if account:
            accounts = accounts.filter(pk=account)
            if not accounts.exists():
                raise CommandError(f"No mail account {account}.")
        quiet = options["verbosity"] == 0
        totals = {"new": 0, "skipped": 0, "failed": 0}
        for item in accounts:
            bar = tqdm(desc=str(item), unit="msg", disable=quiet, file=self.stderr._out)

            def progress(*, folder, total, done, bar=bar, item=item):
                bar.set_description(f"{item} {folder}")
                bar.total = total
                bar.n = done
                bar.refresh()

            report = account_sync(account=item, progress=progress)
            bar.close()
            totals["new"] += report.new
            totals["skipped"] += report.skipped
            if report.errors:
                totals["failed"] += 1
                self.stderr.write(f"{item}: {'; '.join(report.errors)}")
            if not quiet:
                self.stdout.write(
                    f"{item}: {report.new} new, {report.seen} read, {report.skipped} skipped"
                )
        self.stdout.write(
            f"Done: {totals['new']} new, {totals['skipped']} skipped, "
            f"{totals['failed']} account(s) with errors."
        )
