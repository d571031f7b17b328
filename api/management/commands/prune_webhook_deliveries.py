from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from api.webhooks.services import KEEP_FINISHED_DAYS, deliveries_prune


class Command(BaseCommand):
    help = (
        "Delete the webhook deliveries that finished (delivered, or failed for good) more "
        "than --days days ago; waiting and retrying ones stay. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=KEEP_FINISHED_DAYS,
            help=f"keep this many days of finished deliveries (default {KEEP_FINISHED_DAYS})",
        )

    def handle(self, *args, days=KEEP_FINISHED_DAYS, **options):
        if days < 0:
            raise CommandError("--days cannot be negative.")
        quiet = options["verbosity"] == 0
        with tqdm(unit="deliveries", disable=quiet, file=self.stderr._out) as bar:
            removed = deliveries_prune(older_than_days=days, progress=bar.update)
        if not quiet:
            self.stdout.write(f"Removed {removed} finished webhook deliveries.")
