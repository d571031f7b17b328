"""A task for tests/crm/test_two_workers.py, importable by the ``db_worker`` processes."""

import os
import time
from pathlib import Path

from django.tasks import task

RENDEZVOUS_TIMEOUT = 60  # seconds; only reached when a test is broken


@task
def record_run(number: int, log: str) -> int:
    """Writes «number pid» to ``log``, then waits until a task has started in a second
    worker process too: each worker holds a task while the other takes one, so both are
    at the queue together."""
    path = Path(log)
    with path.open("a") as file:  # one short line per write: appends do not interleave
        file.write(f"{number} {os.getpid()}\n")
    deadline = time.monotonic() + RENDEZVOUS_TIMEOUT
    while time.monotonic() < deadline:
        if len({line.split()[1] for line in path.read_text().splitlines()}) >= 2:
            break
        time.sleep(0.05)
    return number
