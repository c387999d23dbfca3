from django.core.management.base import BaseCommand, CommandError

from grappe.interop.importers import load_demo
from grappe.interop.importers.demo import DEMO_EXTRAS


class Command(BaseCommand):
    help = "Load the demo data (real ecosystem entries and labelled fictional examples)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Check without saving.")

    def handle(self, *args, dry_run: bool = False, **options):
        report = load_demo(dry_run=dry_run)
        self.stdout.write(report.as_text())
        if not report.ok:
            raise CommandError("The demo data has rejected entries (see above).")
        for load in DEMO_EXTRAS:
            extra = load(dry_run)
            self.stdout.write(extra.as_text())
            if not extra.ok:
                raise CommandError("The demo data has rejected entries (see above).")
