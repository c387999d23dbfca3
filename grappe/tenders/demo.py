"""Example calls for tenders for the demo: fictional buyers, written for the demo members' trades
(grappe/tenders/examples/), so that a visitor of `make run` finds lots, ranked members and teams
to look at. Loading them twice changes nothing."""

from pathlib import Path

from django.db import transaction

from grappe.interop.report import ImportReport
from grappe.tenders.models import Tender
from grappe.tenders.notices import NoticeError, read_notice
from grappe.tenders.storing import store_notice

EXAMPLES = Path(__file__).resolve().parent / "examples"
LABEL = "calls for tenders"


def load_example_tenders(dry_run: bool = False) -> ImportReport:
    report = ImportReport(source="example calls for tenders", dry_run=dry_run)
    with transaction.atomic():
        for path in sorted(EXAMPLES.glob("*.txt")):
            if Tender.objects.filter(source_format="text", source_name=path.name).exists():
                report.count(LABEL, "unchanged")
                continue
            try:
                store_notice(read_notice(path.read_bytes(), path.name))
            except NoticeError as error:
                report.reject(path.name, error.reason)
                continue
            report.count(LABEL, "created")
        transaction.set_rollback(dry_run)
    report.committed = not dry_run
    return report
