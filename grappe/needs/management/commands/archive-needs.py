"""grappe archive-needs: archive the open needs with no activity (no join, answer or decision)
for 180 days. Meant for a daily cron job; archived needs are kept, and their decider may reopen
them."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grappe.needs.services import archive_inactive


class Command(BaseCommand):
    help = _(
        "Archive the open needs with no activity for 180 days (kept, never deleted; their "
        "decider may reopen them). Run it daily, from cron for instance."
    )

    def handle(self, *args, **options) -> None:
        archived = archive_inactive()
        self.stdout.write(
            ngettext(
                "%(count)d need archived after 180 days without activity.",
                "%(count)d needs archived after 180 days without activity.",
                archived,
            )
            % {"count": archived}
        )
