"""Screenshots of the main pages for the README, from the demo data.

    DATABASE_URL=... python scripts/screenshots.py      (or: make screenshots)

Starts the development server on a free loopback port against the database (demo data
loaded with `manage.py seed_demo`), logs in as the demo office user in Chromium
(Playwright, Debian's /usr/bin/chromium where present) and saves PNGs to docs/screenshots/.
Re-running overwrites them.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
DESKTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"the server did not answer {url}")


def ids() -> dict[str, int]:
    """A well-filled card, its company, an order and a project, from the demo data."""
    code = (
        "from django.db.models import Count\n"
        "from contacts.models import Contact\n"
        "from orders.models import Order\n"
        "from activities.models import Project\n"
        "c = Contact.objects.annotate(n=Count('company_links')).filter(n__gt=0)"
        ".order_by('-n', 'id').first()\n"
        "link = c.company_links.order_by('id').first()\n"
        "o = Order.objects.order_by('id').first()\n"
        "p = Project.objects.order_by('id').first()\n"
        "print(c.pk, link.company_id, o.pk if o else 0, p.pk if p else 0, c.last_name)\n"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_DEBUG": "true"},
    ).stdout.split()
    contact, company, order, project, last_name = out[-5:]
    return {
        "contact": int(contact),
        "company": int(company),
        "order": int(order),
        "project": int(project),
        "last_name": last_name,
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    objects = ids()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_DEBUG": "true"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(base + "/healthz")
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            context = browser.new_context(
                viewport=DESKTOP, locale="nb-NO", timezone_id="Europe/Oslo"
            )
            page = context.new_page()
            page.goto(base + "/accounts/login/")
            page.get_by_label("Brukernavn").fill("kari")
            page.get_by_label("Passord").fill("demo-kari-2026")
            page.get_by_role("button", name="Logg inn").click()
            page.wait_for_url(base + "/")
            term = objects["last_name"][:5].lower()
            shots = [
                ("start", "/"),
                ("search", f"/search/?q={term}"),
                ("card", f"/contacts/{objects['contact']}/"),
                ("card-notes", f"/contacts/{objects['contact']}/notes/"),
                ("company", f"/companies/{objects['company']}/"),
                ("planner", "/planner/"),
            ]
            if objects["order"]:
                shots.append(("order", f"/orders/{objects['order']}/"))
            if objects["project"]:
                shots.append(("project", f"/projects/{objects['project']}/"))
            for name, path in shots:
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=OUT / f"{name}.png")
                print(f"docs/screenshots/{name}.png  {path}")
            page.set_viewport_size(PHONE)
            page.goto(base + f"/contacts/{objects['contact']}/")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=OUT / "card-phone.png", full_page=False)
            print("docs/screenshots/card-phone.png  (390 px wide)")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
