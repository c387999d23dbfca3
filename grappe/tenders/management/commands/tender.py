"""grappe tender parse PATH [--json] | add PATH | awards PATH [--dry-run]
| suggest-cpv [--apply] [--limit N]"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grappe.directory.models import Offering
from grappe.directory.models.offerings import OfferingKind
from grappe.tenders.awards import import_awards, records_of
from grappe.tenders.cpv.suggest import suggest
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
        suggest = actions.add_parser(
            "suggest-cpv",
            help="List CPV codes suggested for offerings that have none (matching uses them).",
        )
        suggest.add_argument(
            "--apply", action="store_true", help="Store the best suggestion on each offering."
        )
        suggest.add_argument("--limit", type=int, default=2, help="Suggestions per offering.")

    def handle(self, *args, action: str, **options) -> None:
        if action == "suggest-cpv":
            self.suggest_cpv(apply=options["apply"], limit=options["limit"])
            return
        path: Path = options["path"]
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

    def suggest_cpv(self, *, apply: bool, limit: int) -> None:
        """Curators review what matching would guess for offerings without CPV codes, and
        store it when it is right (an offering's own codes always win over a guess)."""
        offerings = Offering.objects.filter(cpv_codes=[]).exclude(kind=OfferingKind.MACHINE)
        stored = 0
        for offering in offerings.order_by("organisation__name", "title"):
            found = suggest(f"{offering.title} {offering.description_fr}", limit=limit)
            if not found:
                self.stdout.write(f"{offering.slug}: no suggestion")
                continue
            codes = ", ".join(f"{s.code} {s.label_fr} ({s.score:.1f})" for s in found)
            self.stdout.write(f"{offering.slug}: {codes}")
            if apply:
                offering.cpv_codes = [found[0].code]
                offering.save(update_fields=["cpv_codes", "updated_at"])
                stored += 1
        if apply:
            self.stdout.write(f"{stored} offering(s) now carry their best suggestion.")
