import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from crm import demo
from crm.users import crm_user_save

DEMO_USERS = [
    # username, password, admin, first name, last name
    ("admin", "demo-admin-2026", True, "Ada", "Administrator"),
    ("kari", "demo-kari-2026", False, "Kari", "Nordmann"),
]


class Command(BaseCommand):
    help = (
        "Load deterministic Norwegian demo data: users, categories, contacts, companies and "
        "what each app adds. Running it again adds only what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--contacts", type=int, default=300)
        parser.add_argument("--companies", type=int, default=60)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--quiet", action="store_true", help="no progress bars")

    def handle(self, *args, contacts, companies, seed, quiet, **options):
        if not settings.DEBUG:
            # Demo users have published passwords: never on a production database.
            raise CommandError(
                "seed_demo loads demo users with published passwords and runs only with "
                "DJANGO_DEBUG=true (as `make run` sets it). Nothing was changed."
            )
        started = time.monotonic()
        users, created = {}, set()
        User = get_user_model()
        for username, password, admin, first, last in DEMO_USERS:
            # An existing user keeps their password and rights, whoever changed them since.
            existing = User.objects.filter(username=username).first()
            if existing is not None:
                users[username] = existing
                continue
            users[username], _ = crm_user_save(
                username=username,
                password=password,
                admin=admin,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.example",
            )
            created.add(username)
        ctx = demo.DemoContext(
            contacts=contacts,
            companies=companies,
            seed=seed,
            admin=users["admin"],
            staff=users["kari"],
            quiet=quiet,
        )
        demo.run(ctx)
        self.stdout.write(f"Demo data ready in {time.monotonic() - started:.1f} s.")
        self.stdout.write("Demo logins (http://127.0.0.1:8000/accounts/login/):")
        for username, password, admin, *_ in DEMO_USERS:
            role = "administrator" if admin else "staff"
            if username in created:
                self.stdout.write(f"  {username} / {password}   ({role})")
            else:
                self.stdout.write(
                    f"  {username} / {password}   ({role}; existing user: unless changed since)"
                )
