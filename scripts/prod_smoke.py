"""Over HTTP, against a running production server: what a first user does.

Talks to gunicorn as the TLS-terminating proxy would (``X-Forwarded-Proto: https``), so the
production settings apply in full: secure cookies, the HTTPS redirect, CSRF's origin check.
Standard library only, so it runs in the production venv. Exits non-zero on the first
thing that is wrong, saying what.
"""

import argparse
import http.client
import re
import sys
import time
from html import unescape
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit


class Browser:
    def __init__(self, port: int):
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None, proxy: bool = True):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": f"127.0.0.1:{self.port}", "Accept-Language": "nb"}
        if proxy:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": self.origin + path,
            }
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        conn.close()
        return response, content

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)


def check(condition: bool, what: str) -> None:
    if not condition:
        sys.exit(f"production check failed: {what}")
    print(f"ok  {what}")


def wait_until_up(browser: Browser, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            response, _ = browser.get("/healthz", proxy=False)
            if response.status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit("production check failed: gunicorn did not answer /healthz in time")
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--contact", type=int, required=True, help="id of a contact to open")
    parser.add_argument("--search", required=True, help="that contact's last name")
    args = parser.parse_args()
    browser = Browser(args.port)

    wait_until_up(browser)
    response, body = browser.get("/healthz", proxy=False)
    check(response.status == 200 and body == b"ok", "/healthz answers 200 over plain HTTP")

    response, _ = browser.get("/accounts/login/", proxy=False)
    check(
        response.status == 301 and response.getheader("Location", "").startswith("https://"),
        "plain HTTP is redirected to HTTPS",
    )

    response, body = browser.get("/accounts/login/")
    page = body.decode()
    check(response.status == 200 and "Logg inn" in page, "the login page, in Norwegian")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    check(token is not None and "csrftoken" in browser.cookies, "a CSRF token and cookie")
    css = re.search(r'href="(/static/css/crm\.[0-9a-f]{12}\.css)"', page)
    check(css is not None, "the page links its CSS by a hashed name")

    response, _ = browser.request(
        "POST",
        "/accounts/login/",
        {
            "csrfmiddlewaretoken": token.group(1),
            "username": args.username,
            "password": args.password,
        },
    )
    location = urlsplit(response.getheader("Location", "")).path
    check(
        response.status == 302 and location == "/" and "sessionid" in browser.cookies,
        f"logging in as {args.username} (302 to {location!r})",
    )

    response, body = browser.get(f"/contacts/{args.contact}/")
    check(
        response.status == 200 and args.search in unescape(body.decode()),
        f"the contact card of {args.search} (HTTP {response.status})",
    )

    response, body = browser.get("/search/?" + urlencode({"q": args.search}))
    check(
        response.status == 200 and f"/contacts/{args.contact}/" in body.decode(),
        f"a search for {args.search!r} finds the card (HTTP {response.status})",
    )

    response, body = browser.get(css.group(1))
    check(
        response.status == 200
        and response.getheader("Content-Type", "").startswith("text/css")
        and len(body) > 100
        and "max-age" in response.getheader("Cache-Control", ""),
        f"{css.group(1)} is served, cached for long",
    )


if __name__ == "__main__":
    main()
