"""grappe check-deploy: Django's deployment checks and Grappe's own, against the real database,
cache and files. Exit status 1 when any error (or, with --fail-level WARNING, any warning) is
found."""

from django.core import checks
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from grappe.serving.deploy import REPLACED

LEVELS = {"ERROR": checks.ERROR, "WARNING": checks.WARNING, "INFO": checks.INFO}


class Command(BaseCommand):
    help = _(
        "Check that this instance is fit for production: Django's deployment checks, then "
        "Grappe's (secret key, debug, hosts, HTTPS, e-mail, logs, data folder, cache, static "
        "files, database, migrations, search index). Each message names the environment "
        "variable to set or the command to run."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--fail-level",
            choices=list(LEVELS),
            default="ERROR",
            help=_("The level from which the exit status is 1 (default: ERROR)."),
        )

    def handle(self, *args, fail_level: str, **options):
        found = [
            message
            for message in checks.run_checks(include_deployment_checks=True, databases=["default"])
            if not message.is_silenced()
        ]
        ids = {message.id for message in found}
        found = [m for m in found if REPLACED.get(m.id) not in ids]
        errors = [m for m in found if m.level >= checks.ERROR]
        warnings = [m for m in found if checks.WARNING <= m.level < checks.ERROR]
        lines = []
        for title, messages in ((_("ERRORS"), errors), (_("WARNINGS"), warnings)):
            if messages:
                lines.append(f"{title}:")
                lines.extend(f"  {m}" for m in sorted(messages, key=lambda m: m.id or ""))
        summary = _("%(errors)d errors, %(warnings)d warnings.") % {
            "errors": len(errors),
            "warnings": len(warnings),
        }
        if any(m.level >= LEVELS[fail_level] for m in found):
            self.stderr.write("\n".join(lines))
            raise CommandError(
                _("%(summary)s This instance is not ready for production.") % {"summary": summary}
            )
        lines.append(summary + " " + _("This instance is ready for production."))
        self.stdout.write("\n".join(lines))
