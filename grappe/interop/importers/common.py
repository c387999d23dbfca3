"""What every importer does the same way: read one file into a report, store in one
transaction (rolled back on a dry run), count what was stored."""

from pathlib import Path

from django.db import transaction

from grappe.interop.report import ImportReport


def stored_in_transaction(report: ImportReport, dry_run: bool, store):
    """Run a store function in one transaction, rolled back on a dry run; what it returned."""
    with transaction.atomic():
        result = store()
        transaction.set_rollback(dry_run)
    report.committed = not dry_run
    return result


def count_stored(report: ImportReport, model, counts: dict[str, int]) -> None:
    label = str(model._meta.verbose_name_plural)
    for outcome, number in counts.items():
        report.counts[(label, outcome)] += number


def read_file(path: Path, parse, expected: str, *, dry_run: bool, partial: bool):
    """(report, document) of one file: its rejections already in the report; no document when
    the file is a folder, or has rejections and the import is not partial."""
    report = ImportReport(source=str(path), dry_run=dry_run)
    if path.is_dir():
        report.reject(str(path), f"expected {expected}, not a folder")
        return report, None
    document = parse(path.read_bytes(), source=path.name)
    for location, reason in document.errors:
        report.reject(location, reason)
    return report, (None if document.errors and not partial else document)
