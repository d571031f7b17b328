import time

from django.core.management.base import BaseCommand

from duplicates.models import KIND_CHOICES
from duplicates.pairs import pairs_find
from duplicates.services import merges_forget


class Command(BaseCommand):
    help = (
        "Find the possible duplicates for the administrators' list, and forget merges "
        "too old to undo (run nightly)."
    )

    def handle(self, *args, **options):
        for kind, _label in KIND_CHOICES:
            started = time.monotonic()
            found = pairs_find(kind=kind)
            seconds = time.monotonic() - started
            self.stdout.write(f"{kind}: {found} possible duplicates ({seconds:.1f} s)")
        forgotten = merges_forget()
        self.stdout.write(f"{forgotten} merges older than the undo period forgotten")
