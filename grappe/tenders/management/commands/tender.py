"""grappe tender parse PATH [--json] | add PATH | awards PATH [--dry-run]"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grappe.tenders.awards import import_awards, records_of
from grappe.tenders.notices import Notice, NoticeError, read_notice, to_jsonable
from grappe.tenders.notices.cli import read_path, summary
from grappe.tenders.storing import store_notice


class Command(BaseCommand):
    help = "Read calls for tenders and award notices (eForms, BOAMP, DECP, text)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        parse = actions.add_parser("parse", help="Show what a notice says; store nothing.")
        parse.add_argument("path", type=Path)
        parse.add_argument("--json", action="store_true", help="Everything read, as JSON.")
        add = actions.add_parser("add", help="Store a call for tenders, ready for matching.")
        add.add_argument("path", type=Path)
        awards = actions.add_parser(
            "awards", help="Import award notices or DECP records as the winners' references."
        )
        awards.add_argument("path", type=Path)
        awards.add_argument("--dry-run", action="store_true", help="Report, save nothing.")

    def handle(self, *args, action: str, path: Path, **options) -> None:
        try:
            result = read_notice(read_path(path), path.name)
        except NoticeError as error:
            raise CommandError(f"{path}: {error.reason}") from error
        if action == "parse":
            self.parse(result, path, as_json=options["json"])
        elif action == "add":
            self.add(result, path)
        else:
            self.awards(result, path, dry_run=options["dry_run"])

    def parse(self, result, path: Path, *, as_json: bool) -> None:
        if not as_json:
            self.stdout.write(summary(result))
            return
        document = (
            to_jsonable(result)
            if isinstance(result, Notice)
            else {"source_format": "decp", "source": path.name, "awards": to_jsonable(result)}
        )
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))

    def add(self, result, path: Path) -> None:
        if not isinstance(result, Notice):
            raise CommandError(f"{path}: a DECP file lists awarded contracts; use `awards`.")
        try:
            tender = store_notice(result)
        except NoticeError as error:
            raise CommandError(f"{path}: {error.reason}") from error
        requirements = sum(lot.requirements.count() for lot in tender.lots.all())
        self.stdout.write(
            f"{tender.title}\n  {tender.lots.count()} lot(s), {requirements} requirement(s)\n"
            f"  {tender.get_absolute_url()}"
        )

    def awards(self, result, path: Path, *, dry_run: bool) -> None:
        records = records_of(result)
        if not records:
            raise CommandError(f"{path}: no award in this notice (is it a call for tenders?)")
        report = import_awards(records, str(path), dry_run=dry_run)
        self.stdout.write(report.as_text())
        if not report.ok:
            raise CommandError("some awards were rejected")
