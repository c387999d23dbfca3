"""`grappe import dump PATH`: restore a dump (exporters/dump.py) into an empty instance.

Only into an empty one: a dump keeps its primary keys, so mixing it with existing entries would
overwrite them. Rows are saved as they were (Django's raw saves: no timestamps touched, no
geocoding), in one transaction; then the search index is rebuilt from them.
"""

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, transaction

from grappe.interop.exporters.dump import FORMAT_NAME, dumped_models
from grappe.interop.formats import register_importer
from grappe.interop.report import ImportReport
from grappe.search.indexing import reindex_all


class NotADump(ValueError):
    """The file is not a dump this version can restore; the message says why."""


def read_dump(content: bytes) -> list[dict[str, Any]]:
    """The dump's rows, checked for shape: every row a model of the index."""
    try:
        records = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise NotADump(f"not a JSON file ({error})") from error
    if not isinstance(records, list):
        raise NotADump("a dump is a JSON list of rows, written by `grappe export dump`")
    known = {model._meta.label_lower for model in dumped_models()}
    for number, record in enumerate(records, start=1):
        if not (
            isinstance(record, dict)
            and "model" in record
            and isinstance(record.get("fields"), dict)
        ):
            raise NotADump(f"row {number} is not a {{model, pk, fields}} object")
        if str(record["model"]).lower() not in known:
            raise NotADump(
                f"row {number}: “{record['model']}” is not part of a dump "
                f"(expected one of {', '.join(sorted(known))})"
            )
    return records


def occupied_tables() -> dict[str, int]:
    """The models that already hold rows: a dump restores into an empty instance only."""
    found = {}
    for model in dumped_models():
        if count := model._base_manager.count():
            found[str(model._meta.verbose_name_plural)] = count
    return found


def forget_missing_curators(records: list[dict[str, Any]], report: ImportReport) -> None:
    """Decisions on possible duplicates name the curator who took them, by username; accounts
    are not in a dump, so a curator unknown here is left out (the decision itself is kept)."""
    decisions = [
        (number, record)
        for number, record in enumerate(records, start=1)
        if record["model"] == "directory.duplicatecandidate"
        and isinstance(record["fields"].get("decided_by"), list)
        and record["fields"]["decided_by"]
    ]
    if not decisions:
        return
    users = get_user_model()
    known = set(
        users._default_manager.filter(
            **{f"{users.USERNAME_FIELD}__in": [r["fields"]["decided_by"][0] for _n, r in decisions]}
        ).values_list(users.USERNAME_FIELD, flat=True)
    )
    for number, record in decisions:
        username = record["fields"]["decided_by"][0]
        if username not in known:
            record["fields"]["decided_by"] = None
            report.warn(
                f"row {number}",
                f"curator “{username}” has no account here: the decision is kept unsigned",
            )


def restore(records: list[dict[str, Any]], report: ImportReport) -> None:
    """Save every row as it was, set the id sequences past them, rebuild the search index."""
    forget_missing_curators(records, report)
    saved: set[type] = set()
    for restored in serializers.deserialize("python", records):
        restored.save()
        model = type(restored.object)
        saved.add(model)
        report.count(str(model._meta.verbose_name_plural), "created")
    # Foreign keys are checked at commit; check them now, so that a row pointing at nothing
    # fails here, named, whatever transaction this runs in.
    connection.check_constraints()
    # PostgreSQL hands out ids from sequences that explicit ids do not move (SQLite needs
    # nothing): set them past the restored rows, as loaddata does.
    statements = connection.ops.sequence_reset_sql(no_style(), list(saved))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    reindex_all()


class DumpImporter:
    name = FORMAT_NAME
    description = "a dump written by `grappe export dump`, into an empty instance"

    def run(self, path: Path, *, dry_run: bool = False, partial: bool = False) -> ImportReport:
        """All or nothing: a dump is restored whole or not at all (--partial changes nothing)."""
        report = ImportReport(source=str(path), dry_run=dry_run)
        if path.is_dir():
            report.reject(str(path), "expected a dump file, not a folder")
            return report
        try:
            records = read_dump(path.read_bytes())
        except NotADump as error:
            report.reject(path.name, str(error))
            return report
        occupied = occupied_tables()
        if occupied:
            held = ", ".join(f"{count} {label}" for label, count in occupied.items())
            report.reject(
                "database",
                f"this instance is not empty (it holds {held}); a dump is restored into an "
                "empty instance only: create a new database, run `grappe migrate`, then import",
            )
            return report
        try:
            with transaction.atomic():
                restore(records, report)
                transaction.set_rollback(dry_run)
        except (DeserializationError, DatabaseError, ValidationError) as error:
            report.counts.clear()
            report.warnings.clear()
            report.reject(path.name, f"the dump could not be restored, nothing was saved: {error}")
            return report
        report.committed = not dry_run
        return report


register_importer(DumpImporter())
