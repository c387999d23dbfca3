"""The whole index in one file, to back up an instance or move it: `grappe export dump PATH`.

Format: a Django JSON fixture (a list of {"model", "pk", "fields"}), one row per line, of every
model of the directory and the gazetteer, primary keys kept. Django's serialisers rather than
the grappe-yaml tree: they carry every column (ids the API publishes, timestamps, possible
duplicates, the gazetteer) with no per-model code to keep in step, and a restore into an empty
instance (importers/dump.py) gives back the same rows. Natural keys are not needed since the
ids are kept; only curators (users, not part of a dump) are named by their username.
The output is stable: rows by primary key, many-to-many lists sorted, so that dumping,
restoring and dumping again gives the same bytes.
"""

import json
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core import serializers
from django.db import models

from grappe.interop.formats import register_exporter

DUMPED_APPS = ("geo", "directory")  # the gazetteer, then the directory (its places refer to it)
FORMAT_NAME = "dump"


def dumped_models() -> list[type[models.Model]]:
    """Every concrete model of the dumped apps, each after the models it refers to (foreign
    keys and many-to-many), so that a restore never points at a row still to come."""
    candidates = [
        model
        for label in DUMPED_APPS
        for model in apps.get_app_config(label).get_models()
        if not model._meta.proxy and not model._meta.auto_created
    ]
    ordered: list[type[models.Model]] = []

    def visit(model: type[models.Model], path: tuple) -> None:
        if model in ordered or model in path:
            return
        for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
            target = field.related_model if field.is_relation else None
            if target in candidates and target is not model:
                visit(target, (*path, model))
        ordered.append(model)

    for model in candidates:
        visit(model, ())
    return ordered


def _json_value(value: Any) -> Any:
    """What json.dumps cannot write by itself, written so that the serialisers read it back
    exactly (microseconds kept, decimals as written)."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not serialisable")


def dump_records() -> Iterator[dict[str, Any]]:
    """Each row as Django's python serialiser gives it, in a stable order."""
    for model in dumped_models():
        many_to_many = [field.name for field in model._meta.many_to_many]
        rows = model._base_manager.order_by("pk")
        for record in serializers.serialize(
            "python", rows.iterator(chunk_size=2000), use_natural_foreign_keys=True
        ):
            for name in many_to_many:
                record["fields"][name] = sorted(record["fields"][name])
            yield record


def dump_bytes() -> bytes:
    lines = (
        json.dumps(record, ensure_ascii=False, default=_json_value) for record in dump_records()
    )
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode("utf-8")


class DumpExporter:
    name = FORMAT_NAME
    description = (
        "the whole index (directory, categories, certification schemes, gazetteer, possible "
        "duplicates) as one JSON file; `grappe import dump` restores it into an empty instance"
    )

    def render(self) -> tuple[str, str, bytes]:
        return "grappe-dump.json", "application/json", dump_bytes()


register_exporter(DumpExporter())
