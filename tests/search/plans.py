"""Query plans of the search's SQL, for tests that pin which index answers.

Each test captures the statements a search sends and asks PostgreSQL how it would run
them (``EXPLAIN (FORMAT JSON)``), with sequential scans priced out: a test database is
small, and there a sequential scan would rightly win; priced out, the plan shows whether
an index serves the expression the search emits. (``benchmarks/search.py --explain`` walks
the same JSON on a million contacts, with ANALYZE.)
"""

import json
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.test.utils import CaptureQueriesContext

# The tables that grow with the firm: none of them may be read whole by a search.
BIG_TABLES = frozenset(
    {
        "contacts_contact",
        "contacts_contactemail",
        "companies_company",
        "companies_companylink",
        "activities_note",
        "activities_note_contact_persons",
        "activities_project_participants",
        "search_addressword",
    }
)


@dataclass
class Plans:
    """What the plans of a run of statements use: the indexes, and the tables read whole
    (a sequential scan that no ``LIMIT`` stops)."""

    indexes: set[str] = field(default_factory=set)
    table_reads: Counter = field(default_factory=Counter)  # table → the plans' scans of it
    seq_scans: set[str] = field(default_factory=set)
    text: list[str] = field(default_factory=list)

    def __str__(self):  # shown when an assertion fails
        return "\n\n".join(self.text)


# Nodes that hand rows on one at a time, so a LIMIT above them stops the scan below.
_STREAMING = frozenset({"Limit", "Subquery Scan", "Result"})


def _nodes(node, bounded=False):
    """Each node of a plan, with whether a ``LIMIT`` bounds the rows it reads: a LIMIT
    above it with only streaming nodes between that drop no rows (a sort, an aggregate or
    a filter in between, or a filter on the scan itself, may read all)."""
    yield node, bounded and "Filter" not in node
    bounded = node["Node Type"] == "Limit" or (
        bounded and node["Node Type"] in _STREAMING and "Filter" not in node
    )
    for child in node.get("Plans", []):
        yield from _nodes(child, bounded)


def explain(statements) -> Plans:
    """The plans of ``statements`` (SQL texts), sequential scans priced out for the rest of
    the test's transaction."""
    plans = Plans()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql in statements:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            raw = cursor.fetchone()[0]
            plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
            plans.text.append(f"{sql}\n{json.dumps(plan, indent=1)}")
            for node, bounded in _nodes(plan):
                if "Index Name" in node:
                    plans.indexes.add(node["Index Name"])
                if "Relation Name" in node:
                    plans.table_reads[node["Relation Name"]] += 1
                if node["Node Type"] == "Seq Scan" and not bounded:
                    plans.seq_scans.add(node["Relation Name"])
    return plans


def plans_of(run):
    """Call ``run()``; its return value and the :class:`Plans` of the statements it sent."""
    with CaptureQueriesContext(connection) as captured:
        value = run()
    # The note search's estimate is itself an EXPLAIN (search/probe.py): nothing to plan.
    statements = [query["sql"] for query in captured.captured_queries]
    return value, explain(sql for sql in statements if not sql.startswith("EXPLAIN"))
