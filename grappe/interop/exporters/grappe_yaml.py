"""Grappe's own YAML format: the whole directory, re-importable (a lossless round trip)."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models

from grappe.directory.models import Organisation
from grappe.interop.formats import register_exporter
from grappe.interop.formats.grappe_yaml import dump
from grappe.interop.loaders import CHILDREN, ORDER, SPECS

# confirmed_at is this instance's moderation state, like the timestamps: not part of a record.
_SKIPPED = {"id", "created_at", "updated_at", "confirmed_at", "departement", "organisation"}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _natural_key(instance: models.Model) -> Any:
    return getattr(instance, "slug", None) or instance.pk


def entry_as_dict(instance: models.Model) -> dict[str, Any]:
    """The record that, loaded back, gives the same entry; defaults and empty values left out."""
    record: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in _SKIPPED:
            continue
        if field.is_relation:
            related = getattr(instance, field.name)
            value = _natural_key(related) if related is not None else None
        else:
            value = _plain(getattr(instance, field.attname))
        if value in (None, "", []) or (field.has_default() and value == field.get_default()):
            continue
        if isinstance(value, date | str | int | float | bool | list):
            record[field.name] = value
    for field in instance._meta.many_to_many:
        slugs = sorted(_natural_key(related) for related in getattr(instance, field.name).all())
        if slugs:
            record[field.name] = slugs
    return record


def directory_tree() -> dict[str, list[dict[str, Any]]]:
    tree: dict[str, list[dict[str, Any]]] = {}
    for section in ORDER:
        spec = SPECS[section]
        rows = []
        for instance in spec.model._default_manager.order_by("pk"):
            record = entry_as_dict(instance)
            if isinstance(instance, Organisation):
                for child in CHILDREN:
                    children = [entry_as_dict(c) for c in getattr(instance, child).order_by("pk")]
                    if children:
                        record[child] = children
            rows.append(record)
        if rows:
            tree[section] = rows
    return tree


class GrappeYamlExporter:
    name = "grappe-yaml"
    description = "the whole directory in Grappe's own YAML format (re-importable)"

    def render(self) -> tuple[str, str, bytes]:
        return "grappe-directory.yaml", "application/yaml", dump(directory_tree())


register_exporter(GrappeYamlExporter())
