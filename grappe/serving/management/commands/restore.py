"""grappe restore PATH: replace the whole database with a backup made by grappe backup."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grappe.serving.backup import (
    ENGINES,
    BackupError,
    Inspected,
    database_label,
    describe,
    inspect,
    restore,
)


class Command(BaseCommand):
    help = _(
        "Replace the whole database with a backup made by grappe backup. The file is checked "
        "first (engine, Grappe's tables, integrity, schema not newer than this code); the "
        "question is skipped with --yes."
    )
    requires_system_checks = []  # a restore is what mends a broken instance

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help=_("The backup to restore."))
        parser.add_argument(
            "--yes",
            action="store_true",
            help=_("Do not ask: replace the database (for scripts)."),
        )

    def handle(self, *args, path: Path, yes: bool, **options):
        try:
            inspected = inspect(path)
            self.stdout.write(
                _("%(path)s: %(engine)s backup, holding %(counts)s.")
                % {
                    "path": inspected.path,
                    "engine": ENGINES[inspected.engine],
                    "counts": describe(inspected.counts),
                }
            )
            if inspected.missing_migrations:
                self.stdout.write(self._older(inspected))
            if not yes:
                self._confirm()
            restored = restore(inspected)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Restored %(path)s: the database now holds %(counts)s.")
            % {"path": inspected.path, "counts": describe(restored.counts)}
        )
        if restored.dropped_tables:
            self.stdout.write(
                _("Removed the tables the backup did not have: %(tables)s.")
                % {"tables": ", ".join(restored.dropped_tables)}
            )
        if inspected.missing_migrations:
            self.stdout.write(
                _(
                    "Now run grappe migrate to bring the database up to this version of Grappe, "
                    "then grappe reindex to rebuild the search index."
                )
            )
        else:
            self.stdout.write(
                _("The search index is in the backup and came back with it: no reindex needed.")
            )

    def _older(self, inspected: Inspected) -> str:
        count = len(inspected.missing_migrations)
        shown = ", ".join(inspected.missing_migrations[:5]) + (", …" if count > 5 else "")
        return ngettext(
            "The backup comes from an older version of Grappe: it lacks %(count)d migration of "
            "this code (%(migrations)s). Run grappe migrate after the restore.",
            "The backup comes from an older version of Grappe: it lacks %(count)d migrations of "
            "this code (%(migrations)s). Run grappe migrate after the restore.",
            count,
        ) % {"count": count, "migrations": shown}

    def _confirm(self) -> None:
        question = _(
            "This replaces every entry of the database %(database)s (accounts and history "
            "included) with the backup's. Type yes to go on: "
        ) % {"database": database_label()}
        if not sys.stdin.isatty():
            raise CommandError(
                _("Nothing was restored: add --yes to replace the database without a question.")
            )
        if input(question).strip().lower() not in {"yes", _("yes")}:
            raise CommandError(_("Nothing was restored."))
