from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from companies.register import RegisterError, get_register
from companies.register.selectors import companies_by_ids, companies_due_for_register_check
from companies.register.services import company_refresh_from_register


class Command(BaseCommand):
    help = (
        "Check the companies with an organisation number in the company register "
        "(Enhetsregisteret) again, the longest unchecked first, and store what it says."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", type=int, default=100, help="companies read a batch (default 100)"
        )
        parser.add_argument(
            "--older-than",
            type=int,
            default=30,
            dest="older_than",
            help="only those not checked for this many days (default 30; 0: all)",
        )

    def handle(self, *args, batch=100, older_than=30, **options):
        if batch < 1 or older_than < 0:
            raise CommandError("--batch must be at least 1 and --older-than not negative.")
        backend = get_register()
        if backend is None:
            raise CommandError("No company register is configured (COMPANY_REGISTER_BACKEND).")
        ids = companies_due_for_register_check(older_than_days=older_than)
        quiet = options["verbosity"] == 0
        counts = {"found": 0, "not_found": 0, "removed": 0, "failed": 0}
        with tqdm(total=len(ids), unit="companies", disable=quiet, file=self.stderr._out) as bar:
            for start in range(0, len(ids), batch):
                for company in companies_by_ids(ids=ids[start : start + batch]):
                    try:
                        result = company_refresh_from_register(company=company, backend=backend)
                    except (RegisterError, ValidationError) as error:
                        # One unit failing (a timeout, a number the data no longer
                        # accepts) must not stop the others; it stays due for the next run.
                        counts["failed"] += 1
                        message = "; ".join(getattr(error, "messages", [str(error)]))
                        bar.write(
                            f"{company} ({company.org_number}): {message}", file=self.stderr._out
                        )
                    else:
                        counts[result.state.value] += 1
                    bar.update(1)
        self.stdout.write(
            f"Done: {counts['found']} found, {counts['not_found']} not found, "
            f"{counts['removed']} removed from public view, {counts['failed']} failed."
        )
        if counts["failed"]:
            self.stderr.write("Run the command again to retry the failed ones.")
