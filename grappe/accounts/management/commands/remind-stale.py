"""grappe remind-stale: e-mail the members of every profile nobody confirmed for a year, at most
once per 30 days each. Meant for a daily cron job; running it twice a day e-mails nobody twice."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grappe.accounts import freshness


class Command(BaseCommand):
    help = _(
        "Remind the members of each profile not confirmed for a year to check and confirm it "
        "(at most once per 30 days each). Run it daily, from cron for instance."
    )

    def handle(self, *args, **options) -> None:
        reminded = freshness.remind()
        self.stdout.write(
            ngettext(
                "%(count)d member reminded to confirm their profile.",
                "%(count)d members reminded to confirm their profiles.",
                reminded,
            )
            % {"count": reminded}
        )
