"""Forcing a race between real transactions, for the tests of the locks that prevent it.

Threads started together rarely collide: the first usually commits before the second
reads, and a test of a lock then passes with the lock removed. A :class:`Rendezvous`
closes that gap. The test wraps a function the service calls between its read and its
write (a seam such as ``next_customer_number``) with :meth:`Rendezvous.before`, or one
that itself does the read with :meth:`Rendezvous.after`; a thread reaching the seam waits
until every other thread has either reached it too, finished, or is waiting for a lock in
PostgreSQL (``pg_blocking_pids``). So no transaction writes (or commits) before the
others have read, unless a lock holds them back:

- without the lock, every thread reads the old state and reaches the seam: they all go on
  and the rule breaks, every time;
- with it, the second thread waits in PostgreSQL for the first, which sees it waiting and
  goes on; the second then reads what the first committed.

No fixed sleep decides anything: a thread that is merely slow is waited for.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection

TIMEOUT = 30  # seconds; only reached when a test is broken


class RendezvousTimeout(AssertionError):
    pass


@dataclass
class Outcome:
    value: object = None
    error: BaseException | None = None


class Rendezvous:
    def __init__(self, parties: int):
        self.parties = parties
        self._guard = threading.Lock()
        self._pids: dict[int, int] = {}  # thread → its database backend
        self._state: dict[int, str] = {}  # thread → "running", "at seam" or "done"

    def before(self, function: Callable) -> Callable:
        """``function``, but each thread waits at the rendezvous on its first call."""

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            self.wait()
            return function(*args, **kwargs)

        return wrapper

    def after(self, function: Callable) -> Callable:
        """``function``, but each thread waits at the rendezvous after its first call (for a
        seam that itself reads, such as taking the next number of a series)."""

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            result = function(*args, **kwargs)
            self.wait()
            return result

        return wrapper

    def wait(self) -> None:
        me = threading.get_ident()
        with self._guard:
            if self._state.get(me) != "running":
                return  # not one of the racing threads, or it has been here already
            self._state[me] = "at seam"
        deadline = time.monotonic() + TIMEOUT
        while not self._others_have_read(me):
            if time.monotonic() > deadline:
                raise RendezvousTimeout(f"threads never met: {self._state}")
            time.sleep(0.005)

    def _others_have_read(self, me: int) -> bool:
        with self._guard:
            if len(self._pids) < self.parties:
                return False  # one has not even started
            running = [pid for t, pid in self._pids.items() if self._state[t] == "running"]
        if not running:
            return True
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM unnest(%s::int[]) AS pid"
                " WHERE cardinality(pg_blocking_pids(pid)) > 0",
                [running],
            )
            return cursor.fetchone()[0] == len(running)

    def _join(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        with self._guard:
            self._pids[threading.get_ident()] = pid
            self._state[threading.get_ident()] = "running"

    def _leave(self) -> None:
        with self._guard:
            self._state[threading.get_ident()] = "done"


def race(rendezvous: Rendezvous, *targets: Callable[[], object]) -> list[Outcome]:
    """Run each target in its own thread with its own database connection, all at once;
    return what each returned or raised, in the order given."""
    assert len(targets) == rendezvous.parties
    outcomes = [Outcome() for _ in targets]
    start = threading.Barrier(len(targets))

    def run(outcome: Outcome, target: Callable[[], object]) -> None:
        try:
            rendezvous._join()
            start.wait(timeout=TIMEOUT)
            outcome.value = target()
        except BaseException as error:  # noqa: BLE001 - the test looks at it
            outcome.error = error
        finally:
            rendezvous._leave()
            connection.close()

    threads = [
        threading.Thread(target=run, args=pair) for pair in zip(outcomes, targets, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hangs"
    return outcomes
