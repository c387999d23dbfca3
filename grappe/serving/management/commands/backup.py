"""grappe backup PATH: the whole database in one file, consistent while the site runs."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from grappe.serving.backup import ENGINES, BackupError, backup, describe


class Command(BaseCommand):
    help = _(
        "Back up the whole database (directory, accounts, history, search index) to PATH: "
        "SQLite's online backup, or pg_dump on PostgreSQL. The file is written beside PATH, "
        "then renamed: PATH is never half-written. Restore it with grappe restore PATH."
    )
    requires_system_checks = []  # a backup must be possible whatever else is wrong

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help=_("The file to write."))
        parser.add_argument("--force", action="store_true", help=_("Replace PATH if it exists."))

    def handle(self, *args, path: Path, force: bool, **options):
        try:
            written = backup(path, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Wrote %(path)s (%(engine)s, %(size)s): %(counts)s.")
            % {
                "path": written.path,
                "engine": ENGINES[written.engine],
                "size": filesizeformat(written.size),
                "counts": describe(written.counts),
            }
        )
