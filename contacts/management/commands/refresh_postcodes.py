import urllib.request
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from contacts.postcodes import REGISTER_ENCODING, REGISTER_URL, parse_register, postcodes_replace

# The register is about 250 kB; a far larger answer is not the register.
MAX_BYTES = 10 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Refresh the Norwegian postcode register from Posten/Bring's published file "
        "(tab-separated, Windows-1252), or from a downloaded copy. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="a downloaded copy of the register")
        parser.add_argument(
            "--url", default=None, help=f"where to fetch it (default {REGISTER_URL})"
        )
        parser.add_argument("--encoding", default=REGISTER_ENCODING)

    def handle(self, *args, file, url, encoding, **options):
        if file and url:
            raise CommandError("Give a file or --url, not both.")
        data = self._read_file(file) if file else self._download(url or REGISTER_URL)
        try:
            lines = parse_register(data, encoding=encoding)
        except LookupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{len(lines)} postcodes in the file.")
        with tqdm(total=len(lines), unit="postcodes", disable=options["verbosity"] == 0) as bar:
            try:
                result = postcodes_replace(lines=lines, progress=bar.update)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Postcodes: {result.created} new, {result.updated} changed, "
                f"{result.removed} removed, {result.unchanged} unchanged."
            )
        )

    def _read_file(self, file: str) -> bytes:
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        if len(data) > MAX_BYTES:
            raise CommandError(f"{file} is larger than the register can be.")
        return data

    def _download(self, url: str) -> bytes:
        if not url.startswith(("https://", "http://", "file://")):
            raise CommandError("The URL must start with https://, http:// or file://.")
        self.stdout.write(f"Fetching {url} …")
        try:
            with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (checked above)
                data = response.read(MAX_BYTES + 1)
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot fetch {url}: {error}") from None
        if len(data) > MAX_BYTES:
            raise CommandError(f"{url} is larger than the register can be.")
        return data
