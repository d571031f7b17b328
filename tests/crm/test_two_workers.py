"""Background work on any node: two ``manage.py db_worker`` processes, as on two machines,
take tasks from the one database queue (django-tasks-db), and no task runs twice.

The tasks are committed (``transactional_db``) and the workers are real subprocesses with
the production settings against the test database; each task waits until the other worker
has taken one too (tests/crm/worker_tasks.py), so both work the queue at the same time.
"""

import subprocess
import sys
from collections import Counter
from pathlib import Path

from django_tasks_db.models import DBTaskResult

from tests.crm.subprocess_env import production_env
from tests.crm.worker_tasks import record_run

ROOT = Path(__file__).resolve().parents[2]
TASKS = 8
WORKER_TIMEOUT = 180  # seconds; only reached when something is broken


def test_two_workers_on_two_nodes_share_the_queue_and_run_each_task_once(
    transactional_db, tmp_path
):
    log = tmp_path / "runs.log"
    log.touch()
    for number in range(TASKS):
        record_run.enqueue(number, str(log))

    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--batch",
                "--no-startup-delay",
                "--interval",
                "0.1",
                "--worker-id",
                f"node-{name}",
            ],
            cwd=ROOT,
            env=production_env(DJANGO_SECRET_KEY="two-workers-test-" + "k" * 50),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name in ("a", "b")
    ]
    outputs = [worker.communicate(timeout=WORKER_TIMEOUT)[0] for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0], outputs
    runs = [line.split() for line in log.read_text().splitlines()]
    assert Counter(number for number, _pid in runs) == {str(n): 1 for n in range(TASKS)}
    assert {pid for _number, pid in runs} == {str(worker.pid) for worker in workers}
    results = DBTaskResult.objects.filter(task_path=record_run.module_path)
    assert sorted(r.return_value for r in results) == list(range(TASKS))
    assert Counter(tuple(r.worker_ids) for r in results).keys() == {("node-a",), ("node-b",)}
