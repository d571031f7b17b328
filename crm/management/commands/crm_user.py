import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from crm.users import crm_user_save


class Command(BaseCommand):
    help = (
        "Create or update a CRM user. The password comes from CRM_USER_PASSWORD, or is asked "
        "for (leave it unset and use --no-password-prompt to keep the current one)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--admin", action="store_true", help="an administrator of the firm")
        parser.add_argument("--no-crm-access", action="store_true", help="take CRM access away")
        parser.add_argument("--first-name")
        parser.add_argument("--last-name")
        parser.add_argument("--email")
        parser.add_argument(
            "--no-password-prompt",
            action="store_true",
            help="do not ask for a password when CRM_USER_PASSWORD is unset",
        )

    def handle(self, *args, username, admin, no_crm_access, no_password_prompt, **options):
        password = os.environ.get("CRM_USER_PASSWORD")
        if password is None and not no_password_prompt:
            if not os.isatty(0):
                raise CommandError("Set CRM_USER_PASSWORD: there is no terminal to ask on.")
            password = getpass.getpass(f"Password for {username}: ")
            if password != getpass.getpass("Again: "):
                raise CommandError("The passwords differ.")
        try:
            user, created = crm_user_save(
                username=username,
                password=password,
                admin=admin,
                crm_access=not no_crm_access,
                first_name=options["first_name"],
                last_name=options["last_name"],
                email=options["email"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        role = "administrator" if admin else "staff"
        access = "without" if no_crm_access else "with"
        self.stdout.write(
            f"{'Created' if created else 'Updated'} {user.username} ({role}, {access} CRM access)."
        )
