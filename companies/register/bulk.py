"""Reading the register's bulk download (``enheter_alle.json.gz``,
``underenheter_alle.json.gz`` and their CSV twins from data.brreg.no) one unit at a
time, so a file of a million units never sits in memory, and loading it into the
offline table (``OfflineRegisterUnit``) in batches of upserts."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path

from .base import RegisterUnit, unit_from_json

CHUNK = 1 << 16
BATCH = 2000


class BulkFormatError(Exception):
    """The file is not one of the register's downloads; ``str`` says why."""


def _open_text(raw) -> io.TextIOBase:
    magic = raw.peek(2)[:2] if hasattr(raw, "peek") else b""
    stream = gzip.GzipFile(fileobj=raw) if magic == b"\x1f\x8b" else raw
    return io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")


def _json_objects(text: io.TextIOBase) -> Iterator[dict]:
    """The objects of one JSON array, decoded one at a time."""
    decoder = json.JSONDecoder()
    buffer = text.read(CHUNK).lstrip()
    if not buffer.startswith("["):
        raise BulkFormatError("not a JSON array")
    buffer = buffer[1:]
    while True:
        buffer = buffer.lstrip().lstrip(",").lstrip()
        if buffer.startswith("]"):
            return
        try:
            item, end = decoder.raw_decode(buffer)
        except json.JSONDecodeError as error:
            more = text.read(CHUNK)
            if not more:
                if not buffer.strip():
                    return
                raise BulkFormatError(f"broken JSON: {error}") from error
            buffer += more
            continue
        buffer = buffer[end:]
        if isinstance(item, dict):
            yield item


def _nested(row: dict) -> dict:
    """A CSV row with dotted headers («forretningsadresse.postnummer») as the API's
    nested object."""
    data: dict = {}
    for key, value in row.items():
        if not key or value in (None, ""):
            continue
        target = data
        *parents, last = key.strip().split(".")
        for part in parents:
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                break
        else:
            target[last] = value
    return data


def iter_units(raw, *, branches: bool) -> Iterator[RegisterUnit | None]:
    """Each unit of the download in ``raw`` (a binary file), None for a record that
    cannot be read (no valid organisation number)."""
    text = _open_text(raw)
    first = text.read(1)
    while first and first.isspace():
        first = text.read(1)
    if not first:
        return
    # The character read to tell JSON from CSV goes back in front.
    if first == "[":
        records = _json_objects(_Prefixed(first, text))
    elif first == "{":
        raise BulkFormatError("a JSON object, not the register's list of units")
    else:
        source = _Prefixed(first, text)
        header = source.readline()
        # Commas or semicolons, whichever the header is split by.
        delimiter = ";" if header.count(";") > header.count(",") else ","
        reader = csv.DictReader(_Prefixed(header, source), delimiter=delimiter)
        if "organisasjonsnummer" not in (reader.fieldnames or []):
            raise BulkFormatError("a CSV file without the column «organisasjonsnummer»")
        records = (_nested(row) for row in reader)
    for record in records:
        yield unit_from_json(record, branch=branches)


class _Prefixed(io.TextIOBase):
    """``text`` with ``prefix`` read back in front of it."""

    def __init__(self, prefix: str, text: io.TextIOBase):
        self._prefix = prefix
        self._text = text

    def read(self, size=-1):
        head, self._prefix = self._prefix, ""
        if size is None or size < 0:
            return head + self._text.read()
        return head + self._text.read(max(size - len(head), 0))

    def readline(self, size=-1):
        head, newline, rest = self._prefix.partition("\n")
        if newline:
            self._prefix = rest
            return head + newline
        self._prefix = ""
        return head + self._text.readline()

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line


def looks_like_branches(path: Path) -> bool:
    return "underenhet" in path.name.lower()


def load(raw, *, branches: bool, progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Upsert every unit in ``raw`` into the offline table; ``(loaded, skipped)``.
    Each batch is its own transaction, so an interrupted load keeps what it did and a
    second run finishes it (the upsert makes running it again harmless)."""
    from django.db import transaction

    from companies.models import OfflineRegisterUnit

    from .offline import row_fields

    loaded = skipped = 0
    batch: dict[str, OfflineRegisterUnit] = {}
    update = [f.name for f in OfflineRegisterUnit._meta.concrete_fields if not f.primary_key]

    def flush():
        with transaction.atomic():
            OfflineRegisterUnit.objects.bulk_create(
                list(batch.values()),
                update_conflicts=True,
                unique_fields=["org_number"],
                update_fields=update,
            )
        if progress:
            progress(len(batch))
        batch.clear()

    for unit in iter_units(raw, branches=branches):
        if unit is None:
            skipped += 1
            continue
        batch[unit.org_number] = OfflineRegisterUnit(**row_fields(unit))
        loaded += 1
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return loaded, skipped
