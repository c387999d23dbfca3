import getpass
import os
import secrets

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from grappe.accounts.roles import make_curator


class Command(BaseCommand):
    help = (
        "Create a curator account (or make an existing user a curator). The password is asked, "
        "or read from the GRAPPE_CURATOR_PASSWORD environment variable."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--if-missing", action="store_true", help="Do nothing if the user already exists."
        )
        parser.add_argument(
            "--random-password",
            action="store_true",
            help="Generate a password and print it once (for a local demo).",
        )

    def handle(self, *args, username: str, email: str, if_missing: bool, **options):
        random_password = secrets.token_urlsafe(12) if options["random_password"] else None
        user = User.objects.filter(username=username).first()
        if user and if_missing:
            self.stdout.write(f"Curator “{username}” already exists.")
            return
        if user is None:
            password = (
                random_password or os.environ.get("GRAPPE_CURATOR_PASSWORD") or self._ask_password()
            )
            user = User(username=username, email=email)
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            user.set_password(password)
            user.save()
        make_curator(user)
        self.stdout.write(f"“{username}” is a curator: sign in at /admin/.")
        if random_password:
            self.stdout.write(f"Password (shown once): {random_password}")

    def _ask_password(self) -> str:
        if not os.isatty(0):
            raise CommandError("Set GRAPPE_CURATOR_PASSWORD, or run this in a terminal.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return password
