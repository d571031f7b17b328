#!/usr/bin/env python
"""Fill untranslated (or fuzzy) entries of locale/nb/LC_MESSAGES/django.po from a table.

Usage: .venv/bin/python scripts/po_fill.py TABLE.py   (TABLE.py defines NB = {msgid: msgstr},
and for plural entries msgid: (singular, plural)). Prints the msgids still untranslated.
"""

import runpy
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale" / "nb" / "LC_MESSAGES" / "django.po"


def main(table_path: str) -> int:
    table = runpy.run_path(table_path)["NB"]
    po = polib.pofile(str(PO))
    for entry in po:
        if entry.obsolete:
            continue
        wanted = table.get(entry.msgid)
        if wanted is not None:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: wanted[0], 1: wanted[1]}
            else:
                entry.msgstr = wanted
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save()
    missing = [
        e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)
    ]
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
