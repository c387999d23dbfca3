from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from grappe.interop.formats import IMPORTERS, UnknownFormat, get_importer


class Command(BaseCommand):
    help = "Import a file into the directory: grappe import FORMAT PATH."

    def add_arguments(self, parser):
        parser.add_argument("format", help="Format name; run with --list to see them.", nargs="?")
        parser.add_argument("path", nargs="?", type=Path)
        parser.add_argument("--list", action="store_true", help="List the known formats.")
        parser.add_argument("--dry-run", action="store_true", help="Report, save nothing.")
        parser.add_argument(
            "--partial",
            action="store_true",
            help="Save the valid entries even when others are rejected (default: all or nothing).",
        )

    def handle(self, *args, **options):
        if options["list"] or not options["format"]:
            for name, importer in sorted(IMPORTERS.items()):
                self.stdout.write(f"{name}\t{importer.description}")
            return
        try:
            importer = get_importer(options["format"])
        except UnknownFormat as error:
            raise CommandError(str(error)) from error
        path: Path | None = options["path"]
        if path is None:
            raise CommandError("Give the path of the file to import.")
        if not path.exists():
            raise CommandError(f"No such file or folder: {path}")
        report = importer.run(path, dry_run=options["dry_run"], partial=options["partial"])
        self.stdout.write(report.as_text())
        if not report.ok:
            raise CommandError(f"{len(report.rejections)} entries rejected.")
