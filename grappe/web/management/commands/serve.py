from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Apply pending migrations, then serve Grappe (development server; see docs for production)."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport: str, **options):
        call_command("migrate", interactive=False, verbosity=1)
        # Static files go through the application (WhiteNoise, compressed) as in production,
        # not through runserver's own handler, whatever DEBUG says. Production runs gunicorn
        # (docs/operations.md).
        call_command("runserver", addrport, use_reloader=False, use_static_handler=False)
