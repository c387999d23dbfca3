"""What every importer does the same way: read one file into a report, store in one
transaction (rolled back on a dry run), count what was stored."""

from pathlib import Path

from django.db import models, transaction
from django.utils.text import slugify

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


class SlugChooser:
    """Slugs decided before anything is written, so that a file never takes one twice."""

    def __init__(self, model: type[models.Model]):
        self.taken = set(model._default_manager.values_list("slug", flat=True))

    def choose(self, *texts: str, fallback: str = "entry") -> str:
        candidates = [slugify(text)[:100] for text in texts if slugify(text)]
        for slug in candidates:
            if slug not in self.taken:
                self.taken.add(slug)
                return slug
        base = candidates[0] if candidates else fallback
        counter = 2
        while f"{base}-{counter}" in self.taken:
            counter += 1
        slug = f"{base}-{counter}"
        self.taken.add(slug)
        return slug
