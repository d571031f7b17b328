"""The load test's users (``make load``, driven by ``benchmarks/load.py``): an open model.

Requests arrive at a fixed rate whatever the answers take: each simulated user sends one
request every ``PACING`` seconds on its own fixed schedule (:meth:`Visitor.wait_time`), from
a random phase within that interval, so that arrivals are spread evenly, and the shape (:class:`Steps`)
sets the number of users to rate × ``PACING`` for each step of ``LOAD_STEPS`` (25, 50,
100, 150 requests/s). A user whose answer takes longer than ``PACING`` falls behind, so
the *achieved* rate (answers counted in the step's window) is what the report gives, next
to the rate asked for; it is short of it exactly when the server cannot keep up.

The mix: search (frequent and rare terms of each type), the contact card, a card tab
(htmx) and adding a note, on random contacts among the million. At the end one JSON line
per step: {"step", "target_rps", "achieved_rps", "requests", "errors", "p50_ms",
"p95_ms", "p99_ms", "by_name": {...}}. With ``LOAD_LOGIN_STORM`` a last step runs the
lightest rate while that many users log in within 10 s (a real password check each), and
reports the others' figures beside the logins' own.

Everything comes from the environment that ``load.py`` sets (``LOAD_DATA``: a JSON file
with the sessions, contact ids and terms); never run against anything but loopback.
"""

import json
import os
import random
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import gevent
from locust import LoadTestShape, events, task
from locust.contrib.fasthttp import FastHttpUser

DATA = json.loads(Path(os.environ["LOAD_DATA"]).read_text()) if os.environ.get("LOAD_DATA") else {}
STEPS = [int(rate) for rate in os.environ.get("LOAD_STEPS", "25,50,100,150").split(",")]
STEP_SECONDS = float(os.environ.get("LOAD_STEP_SECONDS", "30"))
# Seconds at the start of each step left out of its figures (users being started).
SETTLE = float(os.environ.get("LOAD_SETTLE_SECONDS", "5"))
STORM = int(os.environ.get("LOAD_LOGIN_STORM", "0"))
PACING = 2.0

samples = []  # (time, name, milliseconds, failed)
failures = {}  # what failed, how often (the whole run)
step_starts = []  # (time, label, target rate)


def _loopback_only(host: str) -> None:
    if urlsplit(host).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"the load test runs against loopback only, not {host}")


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception, **_kwargs):
    samples.append((time.monotonic(), name, response_time, exception is not None))
    if exception is not None:
        failures[f"{name}: {exception}"[:120]] = failures.get(f"{name}: {exception}"[:120], 0) + 1


class Visitor(FastHttpUser):
    """One arrival stream: a request every ``PACING`` seconds."""

    next_arrival = 0.0

    def on_start(self):
        _loopback_only(self.host)
        # A random phase within the pacing interval: users started together would
        # otherwise send together every PACING seconds, bursts rather than a steady rate.
        self.next_arrival = time.perf_counter() + random.uniform(0, PACING)
        gevent.sleep(self.next_arrival - time.perf_counter())
        session = random.choice(DATA["sessions"])
        self.headers = {
            "X-Forwarded-Proto": "https",  # as behind the TLS proxy (prod settings)
            "Accept-Language": "nb",
            "Cookie": f"{DATA['session_cookie']}={session}; {DATA['csrf_cookie']}={DATA['csrf']}",
        }

    def expect_200(self, method: str, url: str, name: str, **kwargs) -> None:
        """A request that must answer 200: a redirect to the login page is an error."""
        with self.client.request(
            method, url, name=name, catch_response=True, allow_redirects=False, **kwargs
        ) as response:
            if response.status_code == 200:
                response.success()
            else:
                response.failure(f"{name} answered {response.status_code}")

    def wait_time(self) -> float:
        """Until this user's next arrival: every ``PACING`` seconds from its phase, whatever
        the last answer took (at once when it took longer). Locust's ``constant_pacing``
        counts from the user's creation, so it undid the phase: every user of a step sent
        in the same instant, a burst of rate × PACING requests every PACING seconds."""
        self.next_arrival += PACING
        return max(0.0, self.next_arrival - time.perf_counter())

    def contact(self) -> int:
        return random.choice(DATA["contacts"])

    @task(4)
    def search(self):
        params = random.choice(DATA["searches"])
        self.expect_200("GET", f"/search/?{urlencode(params)}", "search", headers=self.headers)

    @task(3)
    def card(self):
        self.expect_200("GET", f"/contacts/{self.contact()}/", "card", headers=self.headers)

    @task(2)
    def tab(self):
        tab = random.choice(DATA["tabs"])
        headers = {**self.headers, "HX-Request": "true"}
        self.expect_200("GET", f"/contacts/{self.contact()}/{tab}/", "tab", headers=headers)

    @task(1)
    def note_add(self):
        origin = self.host.replace("http://", "https://")
        headers = {
            **self.headers,
            "HX-Request": "true",
            "X-CSRFToken": DATA["csrf"],
            "Origin": origin,
            "Referer": origin + "/",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        self.expect_200(
            "POST",
            f"{DATA['note_url']}?contact={self.contact()}",
            "note-add",
            data=urlencode({"text": f"Lasttest {random.randrange(10**6)}"}),
            headers=headers,
        )


def _login(host: str, username: str) -> None:
    """One user logging in as a browser does: the form, then the password."""
    from locust.contrib.fasthttp import FastHttpSession

    origin = host.replace("http://", "https://")
    client = FastHttpSession(
        base_url=host,
        request_event=_env[0].events.request,
        user=None,
        connection_timeout=60,
        network_timeout=60,
    )
    headers = {
        "X-Forwarded-Proto": "https",
        "Accept-Language": "nb",
        "Cookie": f"{DATA['csrf_cookie']}={DATA['csrf']}",
        "X-CSRFToken": DATA["csrf"],
        "Origin": origin,
        "Referer": origin + "/accounts/login/",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    body = urlencode(
        {
            "username": username,
            "password": DATA["storm_password"],
            "csrfmiddlewaretoken": DATA["csrf"],
        }
    )
    with client.post(
        "/accounts/login/",
        data=body,
        headers=headers,
        name="login",
        catch_response=True,
        allow_redirects=False,
    ) as response:
        # A good login redirects (302); the form again (200) means it was refused.
        if response.status_code != 302:
            response.failure(f"login answered {response.status_code}")
        else:
            response.success()


_env = []


@events.init.add_listener
def _keep_environment(environment, **_kwargs):
    _env.append(environment)


class Steps(LoadTestShape):
    """The arrival rate, stepped: ``STEPS`` requests/s for ``STEP_SECONDS`` each, then
    (with ``LOAD_LOGIN_STORM``) the first rate again while the logins come."""

    def __init__(self):
        super().__init__()
        self.plan = [(f"{rate}/s", rate) for rate in STEPS]
        if STORM:
            self.plan.append((f"{STEPS[0]}/s + {STORM} logins", STEPS[0]))
        self.current = None

    def tick(self):
        elapsed = self.get_run_time()
        index = int(elapsed // STEP_SECONDS)
        if index >= len(self.plan):
            return None
        label, rate = self.plan[index]
        if index != self.current:
            self.current = index
            step_starts.append((time.monotonic(), label, rate))
            if STORM and index == len(self.plan) - 1:
                gevent.spawn(_storm, self.runner.environment.host)
        users = max(1, round(rate * PACING))
        return users, users  # all of a step's users within a second


def _storm(host: str) -> None:
    """``STORM`` logins spread evenly over 10 s, each on its own greenlet."""
    gevent.sleep(SETTLE)
    for username in DATA["storm_users"][:STORM]:
        gevent.spawn(_login, host, username)
        gevent.sleep(10 / STORM)


def _percentile(values, share):
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(len(values) * share))], 1)


@events.quitting.add_listener
def _report(environment, **_kwargs):
    ends = [start for start, _label, _rate in step_starts[1:]] + [time.monotonic()]
    for (start, label, rate), end in zip(step_starts, ends, strict=True):
        window = [s for s in samples if start + SETTLE <= s[0] < end]
        others = [s for s in window if s[1] != "login"]
        seconds = max(end - start - SETTLE, 1e-9)
        record = {
            "step": label,
            "target_rps": rate,
            "achieved_rps": round(len(others) / seconds, 1),
            "requests": len(others),
            "errors": sum(1 for s in others if s[3]),
            "p50_ms": _percentile([s[2] for s in others], 0.50),
            "p95_ms": _percentile([s[2] for s in others], 0.95),
            "p99_ms": _percentile([s[2] for s in others], 0.99),
            "by_name": {
                name: {
                    "n": len(rows),
                    "p50_ms": _percentile([s[2] for s in rows], 0.50),
                    "p95_ms": _percentile([s[2] for s in rows], 0.95),
                    "errors": sum(1 for s in rows if s[3]),
                }
                for name in sorted({s[1] for s in window})
                for rows in [[s for s in window if s[1] == name]]
            },
        }
        print(json.dumps(record, ensure_ascii=False), flush=True)
    if failures:
        print(json.dumps({"failures": failures}, ensure_ascii=False), flush=True)
