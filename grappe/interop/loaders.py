"""Write parsed directory records into the database: idempotent, all-or-nothing by default.

Each record is matched on its natural key (the slug, or the organisation plus what identifies a
child), validated with the model's full_clean() so that imports obey the same rules as the back
office, and saved inside one transaction with a django-reversion revision, so the history shows
what every import changed and a curator can restore the version before it.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import reversion
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from grappe.directory.models import (
    Category,
    Certification,
    CertificationScheme,
    Event,
    Offering,
    Organisation,
    Person,
    Reference,
    Software,
    SoftwareRelation,
)
from grappe.interop.formats.grappe_yaml import DirectoryDocument, Record
from grappe.interop.progress import progress
from grappe.interop.report import ImportReport


class Rejected(Exception):
    """A record that cannot be loaded; the message says why."""


class _Rollback(Exception):
    pass


@dataclass(frozen=True)
class Spec:
    model: type[models.Model]
    key: tuple[str, ...]  # natural key fields, looked up together
    relations: dict[str, type[models.Model]]  # field -> model referenced by slug (FK or M2M)
    deferred: tuple[str, ...] = ()  # M2M fields set once every entry of the file exists


SPECS = {
    "categories": Spec(Category, ("slug",), {"parent": Category}),
    "certification_schemes": Spec(CertificationScheme, ("slug",), {}),
    "software": Spec(
        Software, ("slug",), {"categories": Category, "similar": Software}, deferred=("similar",)
    ),
    "organisations": Spec(Organisation, ("slug",), {}),
    "offerings": Spec(Offering, ("slug",), {"software": Software, "organisation": Organisation}),
    "certifications": Spec(
        Certification,
        ("organisation", "scheme", "valid_from"),
        {"scheme": CertificationScheme, "organisation": Organisation, "offerings": Offering},
    ),
    "software_relations": Spec(
        SoftwareRelation,
        ("organisation", "software", "role"),
        {"software": Software, "organisation": Organisation},
    ),
    "references": Spec(
        Reference,
        ("organisation", "title", "year"),
        {
            "software": Software,
            "partners": Organisation,
            "client": Organisation,
            "organisation": Organisation,
        },
        deferred=("partners", "client"),
    ),
    "people": Spec(Person, ("slug",), {"organisation": Organisation}),
    "events": Spec(Event, ("slug",), {"organiser": Organisation}),
}
ORDER = ("categories", "certification_schemes", "software", "organisations", "people", "events")
CHILDREN = ("offerings", "certifications", "software_relations", "references")
_IGNORED_ON_COMPARE = {"id", "created_at", "updated_at"}


def load_directory(
    document: DirectoryDocument,
    *,
    source: str,
    dry_run: bool = False,
    partial: bool = False,
    comment: str = "",
) -> ImportReport:
    """Load a parsed document. Without `partial`, one rejected record means nothing is saved."""
    report = ImportReport(source=source, dry_run=dry_run)
    for location, reason in document.errors:
        report.reject(location, reason)
    loader = _Loader(report)
    try:
        with transaction.atomic(), reversion.create_revision():
            reversion.set_comment(comment or f"Import of {source}")
            loader.load(document)
            if dry_run or (report.rejections and not partial):
                raise _Rollback
    except _Rollback:
        report.committed = False
    else:
        report.committed = True
    return report


class _Loader:
    def __init__(self, report: ImportReport):
        self.report = report
        self.deferred: list[tuple[Record, Spec, models.Model, str]] = []

    def load(self, document: DirectoryDocument) -> None:
        for section in ORDER:
            spec = SPECS[section]
            for record in progress(document.sections[section], section):
                data = dict(record.data)
                children = {name: data.pop(name, None) for name in CHILDREN}
                if section != "organisations" and any(v is not None for v in children.values()):
                    self.report.reject(record.location, "only organisations have nested lists")
                    continue
                saved = self.upsert(record.location, spec, data)
                if saved is not None and section == "organisations":
                    self.load_children(record.location, saved, children)
        for record, spec, instance, outcome in self.deferred:
            if self.set_deferred(record, spec, instance) and outcome == "unchanged":
                label = str(spec.model._meta.verbose_name_plural)
                self.report.counts[(label, "unchanged")] -= 1
                self.report.count(label, "updated")

    def load_children(self, location: str, organisation: Organisation, children: dict) -> None:
        for name, items in children.items():
            if items is None:
                continue
            if not isinstance(items, list):
                self.report.reject(f"{location}.{name}", "expected a list")
                continue
            for index, item in enumerate(items):
                child_location = f"{location}.{name}[{index}]"
                if not isinstance(item, dict):
                    self.report.reject(child_location, "expected a mapping of fields")
                    continue
                self.upsert(child_location, SPECS[name], {**item, "organisation": organisation})

    def upsert(self, location: str, spec: Spec, data: dict[str, Any]) -> models.Model | None:
        label = str(spec.model._meta.verbose_name_plural)
        try:
            with transaction.atomic():  # a savepoint: a failed row leaves the others intact
                instance, outcome = self._upsert(spec, data, location)
        except Rejected as error:
            self.report.reject(location, str(error))
            return None
        except IntegrityError as error:
            self.report.reject(location, f"conflicts with an existing entry ({error})")
            return None
        self.report.count(label, outcome)
        return instance

    def _upsert(self, spec: Spec, data: dict[str, Any], location: str):
        model = spec.model
        fields = {f.name: f for f in model._meta.get_fields() if f.concrete or f.many_to_many}
        unknown = sorted(set(data) - set(fields))
        if unknown:
            raise Rejected(f"unknown field(s): {', '.join(unknown)}")
        scalars: dict[str, Any] = {}
        many: dict[str, list[models.Model]] = {}
        for name, value in data.items():
            if name in spec.deferred:
                continue
            field = fields[name]
            if name in spec.relations:
                value = self.resolve(spec.relations[name], value, name)
            elif isinstance(value, float):
                value = Decimal(str(value))  # YAML floats: keep the digits as written
            if field.many_to_many:
                many[name] = value
            else:
                scalars[name] = value
        missing = [k for k in spec.key if not fields[k].null and scalars.get(k) in (None, "")]
        if missing:
            raise Rejected(f"missing {', '.join(missing)}, which identifies the entry")
        lookup = {k: scalars.get(k) for k in spec.key}
        instance = model._default_manager.filter(**lookup).first()
        created = instance is None
        instance = instance or model()
        before = _snapshot(instance)
        for name, value in scalars.items():
            setattr(instance, name, value)
        try:
            instance.full_clean()
        except ValidationError as error:
            raise Rejected(_describe(error)) from error
        changed = created or _snapshot(instance) != before
        if changed:
            instance.save()
        for name, targets in many.items():
            check = getattr(instance, f"check_{name}", None)  # rules a model keeps for its M2M
            if check is not None:
                try:
                    check(targets)
                except ValidationError as error:
                    raise Rejected(_describe(error)) from error
            manager = getattr(instance, name)
            if {t.pk for t in manager.all()} != {t.pk for t in targets}:
                manager.set(targets)
                changed = True
        outcome = "created" if created else "updated" if changed else "unchanged"
        deferred = {k: data[k] for k in spec.deferred if k in data}
        if deferred:
            self.deferred.append((Record(location, deferred), spec, instance, outcome))
        return instance, outcome

    def set_deferred(self, record: Record, spec: Spec, instance: models.Model) -> bool:
        """Set the relations to entries that may come later in the file; True if any changed."""
        changed = False
        try:
            with transaction.atomic():
                for name, value in record.data.items():
                    targets = self.resolve(spec.relations[name], value, name)
                    field = instance._meta.get_field(name)
                    if field.many_to_many:
                        manager = getattr(instance, name)
                        if {t.pk for t in manager.all()} != {t.pk for t in targets}:
                            manager.set(targets)
                            changed = True
                    elif getattr(instance, f"{name}_id") != getattr(targets, "pk", None):
                        setattr(instance, name, targets)
                        instance.full_clean()
                        instance.save()
                        changed = True
        except (Rejected, ValidationError) as error:
            reason = _describe(error) if isinstance(error, ValidationError) else str(error)
            self.report.reject(record.location, reason)
            return False
        return changed

    def resolve(self, model: type[models.Model], value: Any, name: str):
        """Slugs to instances; an instance (the parent organisation) passes through."""
        if value is None or isinstance(value, models.Model):
            return value
        if isinstance(value, list):
            return [self.resolve(model, item, name) for item in value]
        found = model._default_manager.filter(slug=str(value)).first()
        if found is None:
            raise Rejected(f"{name}: no {model._meta.verbose_name} with slug “{value}”")
        return found


def _snapshot(instance: models.Model) -> dict[str, Any]:
    return {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if f.name not in _IGNORED_ON_COMPARE
    }


def _describe(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
