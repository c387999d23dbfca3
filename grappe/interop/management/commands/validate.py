from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from grappe.interop.formats.publiccode import NOT_CHECKED_OFFLINE, PubliccodeFile, validate
from grappe.interop.importers.publiccode import publiccode_files

# Formats this command checks, by name: a checker of (content, source, folder) and how to find
# its files in a folder.
VALIDATORS = {"publiccode": (validate, publiccode_files)}


class Command(BaseCommand):
    help = (
        "Check files against a standard without importing them: grappe validate FORMAT PATH "
        "(a file, or a folder searched for them). Exits 1 when a file is invalid."
    )

    def add_arguments(self, parser):
        parser.add_argument("format", help=f"Format name: {', '.join(sorted(VALIDATORS))}.")
        parser.add_argument("path", type=Path, help="A file, or a folder to search.")

    def handle(self, *args, format: str, path: Path, **options):
        if format not in VALIDATORS:
            known = ", ".join(sorted(VALIDATORS))
            raise CommandError(f"No validator for “{format}”. Known formats: {known}.")
        if not path.exists():
            raise CommandError(f"No such file or folder: {path}")
        check, find = VALIDATORS[format]
        files = find(path)
        if not files:
            raise CommandError(f"No {format} file in {path} (publiccode.yml, *.publiccode.yml).")
        invalid = 0
        for file in files:
            result = check(file.read_bytes(), source=str(file), base_dir=file.parent)
            self.stdout.write(_summary(str(file), result))
            for finding in result.findings:
                self.stdout.write(f"  {finding}")
            invalid += not result.valid
        self.stdout.write(f"{NOT_CHECKED_OFFLINE}.")
        if invalid:
            raise CommandError(f"{invalid} of {len(files)} files are not valid.")


def _summary(name: str, result: PubliccodeFile) -> str:
    errors, warnings = len(result.errors), len(result.warnings)
    plural = {1: ""}
    counts = f"{warnings} warning{plural.get(warnings, 's')}"
    if errors:
        return f"{name}: invalid, {errors} error{plural.get(errors, 's')}, {counts}"
    return f"{name}: valid" + (f", {counts}" if warnings else "")
