#!/usr/bin/env python
"""Time an import of 100,000 contacts at 20,000 companies (``make bench-import``).

Generates a CSV as a Norwegian Excel saves it (semicolons, UTF-8 with BOM): 100,000 rows,
each a person with e-mail, mobile and position at one of 20,000 companies (org.nr and
customer number each), so 100,000 contacts, 20,000 companies and 100,000 links. Each run
starts from empty contact, company and history tables and measures, in a fresh process
(so peak memory is that run's own), the dry run and then the real import, both through
the command's code path (read, plan, write). Prints one JSON line per measurement and
the median of the runs:
{"bench": "import", "mode": "dry-run"|"import", "rows": 100000, "seconds": …, "peak_mb": …}
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, calibrate, emit, setup_django  # noqa: E402

CSV_PATH = ROOT / ".bench" / "import-100k.csv"


def _orgnr(n: int) -> str:
    from stdnum.no import orgnr

    for last in range(10):
        candidate = f"9{n:07d}{last}"
        if orgnr.is_valid(candidate):
            return candidate
    return _orgnr(n + 10_000_000 // 2)


def generate(path: Path, rows: int, companies: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    first = ["Ola", "Kari", "Per", "Åse", "Nils", "Ingrid", "Øystein", "Siri", "Jon", "Liv"]
    last = [
        "Hansen",
        "Johansen",
        "Olsen",
        "Larsen",
        "Andersen",
        "Pedersen",
        "Nilsen",
        "Berg",
        "Haugen",
        "Hagen",
        "Ødegård",
        "Bråten",
        "Aasen",
        "Strøm",
        "Dahl",
    ]
    orgs = {}
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write(
            "Etternavn;Fornavn;Firma;Org.nr;Kundenr;Mobil;E-post;Stilling;Postnr;Poststed\r\n"
        )
        for i in range(rows):
            c = i % companies
            if c not in orgs:
                orgs[c] = _orgnr(c)
            out.write(
                f"{last[i % len(last)]}{i // 1000};{first[i % len(first)]};Firma {c:05d} AS;"
                f"{orgs[c]};{100_000 + c};4{i % 10_000_000:07d};person{i}@firma{c}.no;"
                f"Rådgiver;{1000 + c % 8000:04d};Oslo\r\n"
            )


def _clear() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE contacts_contact, companies_company, companies_companylink,"
            " contacts_contactemail, history_entry, imports_importjob, imports_importrecord,"
            " history_contactevent, history_companyevent, history_companylinkevent,"
            " history_contactemailevent, history_contactcategoryevent,"
            " history_companycategoryevent, pghistory_context, search_addressword CASCADE"
        )


def child(mode: str, path: Path) -> None:
    """One measurement, in this process alone."""
    setup_django()
    from django.core.management import call_command

    started = time.perf_counter()
    args = ["import_contacts", str(path), "--verbosity", "0"]
    if mode == "dry-run":
        args.append("--dry-run")
    with open(os.devnull, "w") as quiet:
        call_command(*args, stdout=quiet)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": round(seconds, 1), "peak_mb": round(peak_kb / 1024)}))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--companies", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=["dry-run", "import"])
    parser.add_argument("--file")
    args = parser.parse_args()
    if args.child:
        child(args.child, Path(args.file))
        return
    # The children set Django up themselves from the same DATABASE_URL (setup_django
    # points it at the benchmark database, which they must not do twice).
    child_env = dict(os.environ)
    setup_django()
    path = CSV_PATH.with_name(f"import-{args.rows}-{args.companies}.csv")
    if not path.exists():
        generate(path, args.rows, args.companies)
    calibrate()
    results = {"dry-run": [], "import": []}
    for _run in range(args.runs):
        _clear()
        for mode in ("dry-run", "import"):
            output = (
                subprocess.run(
                    [sys.executable, __file__, "--child", mode, "--file", str(path)],
                    check=True,
                    capture_output=True,
                    text=True,
                    env=child_env,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            result = json.loads(output)
            results[mode].append(result)
            emit({"bench": "import", "mode": mode, "rows": args.rows, **result})
    for mode, runs in results.items():
        emit(
            {
                "bench": "import",
                "mode": mode,
                "rows": args.rows,
                "runs": len(runs),
                "median": True,
                "seconds": statistics.median(r["seconds"] for r in runs),
                "peak_mb": statistics.median(r["peak_mb"] for r in runs),
            }
        )
    calibrate()


if __name__ == "__main__":
    main()
