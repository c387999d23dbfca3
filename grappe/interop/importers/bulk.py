"""What every table-shaped importer shares: the checks before a file is read (a folder, a
file above the size limit), a report that also counts skipped rows, slugs, the review list,
and the bulk path.

The bulk path (`BulkWriter`) writes thousands of rows with the guarantees of `load_directory`
but a few statements per model instead of several per row: every row is validated with the
model's full_clean() (uniqueness checked in memory and with one query per field), the whole
file is one transaction rolled back on a dry run or on any rejection unless --partial, history
is one django-reversion revision holding a version of each created or changed entry, and the
search index and the placing of organisations run as a save would run them. load_directory
spends about 3 ms per row (a savepoint, lookups, uniqueness queries, signals); see
docs/benchmarks.md for what the bulk path does with repositories.csv.
"""

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.encoding import is_protected_type
from reversion.models import Revision, Version

from grappe.directory.models import Offering, Organisation, Software, SoftwareRelation
from grappe.geo.placing import place_on_save
from grappe.interop.formats.csv_tables import MAX_BYTES
from grappe.interop.matching import Match, ask_curators
from grappe.interop.progress import progress
from grappe.interop.report import ImportReport
from grappe.search.indexing import mark

BATCH = 500
EMPTY = ("", None, [])


@dataclass
class TableReport(ImportReport):
    """An import report that also says what was skipped on purpose (forks, repeated rows):
    neither imported nor rejected."""

    skipped: Counter = field(default_factory=Counter)  # reason -> rows

    def skip(self, reason: str, number: int = 1) -> None:
        self.skipped[reason] += number

    def as_text(self) -> str:
        lines = super().as_text().split("\n")
        if self.skipped:
            total = sum(self.skipped.values())
            detail = ", ".join(f"{n} {reason}" for reason, n in self.skipped.most_common())
            after_total = next(i for i, line in enumerate(lines) if line.startswith("  total:"))
            lines.insert(after_total + 1, f"  skipped: {total} ({detail})")
        return "\n".join(lines)


def read_checked(path: Path, report: ImportReport, expected: str) -> bytes | None:
    """The file's bytes, or None with a rejection saying why it cannot be read."""
    if path.is_dir():
        report.reject(str(path), f"expected {expected}, not a folder")
        return None
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            report.reject(
                path.name,
                f"the file is {size / 1024 / 1024:.0f} MB, above the {MAX_BYTES // 1024 // 1024} "
                "MB limit: split it into smaller files",
            )
            return None
        return path.read_bytes()
    except OSError as error:
        report.reject(path.name, f"cannot be read: {error.strerror or error}")
        return None


def add_findings(report: ImportReport, document: Any) -> None:
    for location, reason in getattr(document, "errors", []):
        report.reject(location, reason)
    for location, message in getattr(document, "warnings", []):
        report.warn(location, message)


class _Rollback(Exception):
    pass


@contextmanager
def all_or_nothing(
    report: ImportReport, *, dry_run: bool, partial: bool, comment: str
) -> Iterator["BulkWriter"]:
    """A writer for one transaction and one revision; rolled back on a dry run, or when
    anything was rejected and the import is not partial."""
    reached_commit = False
    writer = BulkWriter(report)
    try:
        with transaction.atomic():
            yield writer
            writer.save_revision(comment)
            if dry_run or (report.rejections and not partial):
                raise _Rollback
            reached_commit = True
    except _Rollback:
        report.committed = False
    except DatabaseError as error:
        if not (reached_commit and transaction.get_connection().get_autocommit()):
            raise
        # Committed; what failed is a hook run after the commit (the search index): the data
        # is safe, the user is told, and the next save or `grappe reindex` catches up.
        report.committed = True
        report.warn("search index", f"saved, but the search index was not brought up to date "
                    f"({error}); run `grappe reindex`")  # fmt: skip
    else:
        report.committed = True


@dataclass
class Staged:
    """An instance to write: new, or an existing entry with the fields an import filled."""

    location: str
    instance: models.Model
    created: bool
    changed: set[str] = field(default_factory=set)


# What a revision of each model follows, prefetched so that versions cost no query each.
_PREFETCH = {
    Organisation: ("offerings", "certifications", "software_relations", "references"),
    Software: ("categories", "similar"),
}


class BulkWriter:
    """Validates staged instances and writes the valid ones in batches (see the module)."""

    def __init__(self, report: ImportReport):
        self.report = report
        self.versions: list[Version] = []  # saved by save_revision()

    def save_revision(self, comment: str) -> None:
        """The import's one revision, with the versions of every entry it wrote."""
        if not self.versions:
            return
        unique = {(v.content_type_id, v.object_id): v for v in self.versions}
        revision = Revision.objects.create(comment=comment[:1000], date_created=timezone.now())
        for version in unique.values():
            version.revision = revision
        # One prepared INSERT (executemany): bulk_create compiles a statement per batch and
        # prepares every value through the field, a second per 20,000 versions.
        fields = [f for f in Version._meta.concrete_fields if not f.primary_key]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {connection.ops.quote_name(Version._meta.db_table)} "
                f"({columns}) VALUES ({placeholders})",
                [[getattr(v, f.attname) for f in fields] for v in unique.values()],
            )
        self.versions = []

    def write(self, model: type[models.Model], staged: list[Staged]) -> list[Staged]:
        """Write what changed; returns the staged entries that exist afterwards."""
        label = str(model._meta.verbose_name_plural)
        kept: list[Staged] = []
        for item in progress(staged, f"{label}: validating"):
            if not item.created and not item.changed:
                self.report.count(label, "unchanged")
                kept.append(item)
                continue
            try:
                if isinstance(item.instance, Organisation):
                    item.instance.siren = item.instance.siren or None
                item.instance.full_clean(
                    exclude=_known_relations(item.instance),
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as error:
                self.report.reject(item.location, describe(error))
                continue
            kept.append(item)
        kept = self._unique(model, kept)
        to_write = [item for item in kept if item.created or item.changed]
        if model is Organisation:
            places = _Places()
            for item in to_write:
                places.place(item.instance, created=item.created)
                item.instance.siren = item.instance.siren or None
                item.instance.derive_departement()
                if not item.created:
                    item.changed |= {"commune_insee", "commune_name", "latitude", "longitude"}
                    item.changed.add("departement")
        created = [item.instance for item in to_write if item.created]
        model._default_manager.bulk_create(created, batch_size=BATCH)
        self._update([item for item in to_write if not item.created])
        for item in to_write:
            self.report.count(label, "created" if item.created else "updated")
        self._history(model, [item.instance for item in to_write])
        self._reindex(model, [item.instance for item in to_write], created)
        return kept

    def _unique(self, model: type[models.Model], staged: list[Staged]) -> list[Staged]:
        """Reject a value a unique field already has, in the directory or earlier in the file."""
        unique = [f for f in model._meta.concrete_fields if f.unique and not f.primary_key]
        rejected: set[int] = set()
        for unique_field in unique:
            name = unique_field.attname
            mine: dict[Any, Staged] = {}
            for item in staged:
                value = getattr(item.instance, name)
                if value in EMPTY or not (item.created or name in item.changed):
                    continue
                if value in mine:
                    self.report.reject(
                        item.location, f"{name}: “{value}” is also at {mine[value].location}"
                    )
                    rejected.add(id(item))
                else:
                    mine[value] = item
            values = list(mine)
            for start in range(0, len(values), BATCH):
                chunk = values[start : start + BATCH]
                taken = model._default_manager.filter(**{f"{name}__in": chunk})
                for pk, value in taken.values_list("pk", name):
                    item = mine[value]
                    if item.instance.pk != pk and id(item) not in rejected:
                        self.report.reject(
                            item.location, f"{name}: “{value}” belongs to another entry"
                        )
                        rejected.add(id(item))
        return [item for item in staged if id(item) not in rejected]

    def _update(self, staged: list[Staged]) -> None:
        now = timezone.now()
        by_fields: dict[frozenset[str], list[models.Model]] = defaultdict(list)
        for item in staged:
            fields = set(item.changed)
            if any(f.name == "updated_at" for f in item.instance._meta.concrete_fields):
                item.instance.updated_at = now
                fields.add("updated_at")
            by_fields[frozenset(fields)].append(item.instance)
        for fields, instances in by_fields.items():
            type(instances[0])._default_manager.bulk_update(
                instances, sorted(fields), batch_size=BATCH
            )

    def _history(self, model: type[models.Model], instances: list[models.Model]) -> None:
        """One version of each written entry (and of what its registration follows) in this
        import's revision; the many-to-many values come from one prefetch per batch."""
        if not instances or not reversion.is_registered(model):
            return
        follow = reversion.revisions._get_options(model).follow
        for start in range(0, len(instances), BATCH):
            batch = instances[start : start + BATCH]
            prefetch_related_objects(batch, *_PREFETCH.get(model, ()))
            for instance in batch:
                self.versions.append(version_of(instance))
                for name in follow:
                    self.versions.extend(
                        version_of(child) for child in getattr(instance, name).all()
                    )

    def _reindex(self, model, written: list[models.Model], created: list[models.Model]) -> None:
        """What a save would mark for the search index, for a whole batch at once."""
        pks = [instance.pk for instance in written]
        new = {id(instance) for instance in created}
        updated = [instance.pk for instance in written if id(instance) not in new]
        if model is Organisation:
            mark("organisation", pks)
            mark("offering", Offering.objects.filter(organisation_id__in=updated).values_list(
                "pk", flat=True))  # fmt: skip
        elif model is Software:
            mark("software", pks)
            relations = SoftwareRelation.objects.filter(software_id__in=updated)
            mark("organisation", relations.values_list("organisation_id", flat=True))
            mark("offering", Offering.objects.filter(software__in=updated).values_list(
                "pk", flat=True))  # fmt: skip
        elif model is SoftwareRelation:
            mark("organisation", {instance.organisation_id for instance in written})
            mark("software", {instance.software_id for instance in written})


class _Places:
    """Places organisations as saving them would (grappe.geo.placing), looking each distinct
    commune code, postcode and commune name up once: a file of many rows has few places."""

    FIELDS = ("commune_insee", "commune_name", "latitude", "longitude")

    def __init__(self):
        self.found: dict[tuple[str, str, str], tuple] = {}

    def place(self, organisation: Organisation, *, created: bool) -> None:
        if not created or organisation.latitude is not None:  # the general rule applies
            place_on_save(Organisation, organisation)
            return
        key = (organisation.commune_insee, organisation.postcode, organisation.commune_name)
        if not any(key):
            return
        if key not in self.found:
            template = Organisation(
                commune_insee=key[0], postcode=key[1], commune_name=key[2], kind="company"
            )
            place_on_save(Organisation, template)
            self.found[key] = tuple(getattr(template, name) for name in self.FIELDS)
        for name, value in zip(self.FIELDS, self.found[key], strict=True):
            setattr(organisation, name, value)


def version_of(instance: models.Model) -> Version:
    """A django-reversion version of an instance, as reversion.add_to_revision() would write
    it (Django's JSON serialization), but reading many-to-many values from the prefetch cache
    instead of one query per field."""
    options = reversion.revisions._get_options(type(instance))
    fields: dict[str, Any] = {}
    prefetched = getattr(instance, "_prefetched_objects_cache", {})
    for model_field in instance._meta.concrete_fields:
        if not model_field.serialize or (options.fields and model_field.name not in options.fields):
            continue
        if model_field.remote_field is not None:
            fields[model_field.name] = getattr(instance, model_field.attname)
            continue
        value = model_field.value_from_object(instance)
        fields[model_field.name] = (
            value if is_protected_type(value) else model_field.value_to_string(instance)
        )
    for model_field in instance._meta.many_to_many:
        if model_field.serialize and model_field.remote_field.through._meta.auto_created:
            related = prefetched.get(model_field.name)
            if related is None:
                related = getattr(instance, model_field.name).all()
            fields[model_field.name] = [entry.pk for entry in related]
    data = [{"model": instance._meta.label_lower, "pk": instance.pk, "fields": fields}]
    return Version(
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        db="default",
        format=options.format,
        serialized_data=json.dumps(data, cls=DjangoJSONEncoder),
        object_repr=str(instance)[:191],
    )


def _known_relations(instance: models.Model) -> list[str]:
    """Foreign keys set to an entry already in the database: full_clean() would check that
    each exists with one query per row."""
    return [
        f.name
        for f in instance._meta.concrete_fields
        if f.is_relation and f.is_cached(instance) and getattr(instance, f.name).pk is not None
    ]


def describe(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def fill_empty(instance: models.Model, data: dict[str, Any], skip=()) -> set[str]:
    """Set the fields the entry leaves empty; the names of those set. A curator's value is
    never overwritten."""
    changed = set()
    for name, value in data.items():
        if name in skip or value in EMPTY:
            continue
        if getattr(instance, name) in EMPTY:
            setattr(instance, name, value)
            changed.add(name)
    return changed


def ask_after_write(
    report: ImportReport, asks: list[tuple[Staged, Match]], source: str, *, dry_run: bool
) -> int:
    """Put each created organisation's look-alikes on the curators' review list; a warning
    names each pair. Returns the number of pairs."""
    pairs = 0
    for item, match in asks:
        organisation = item.instance
        if organisation.pk is None:  # rejected
            continue
        if not dry_run:
            ask_curators(organisation, match, source)
        for other in match.look_alikes:
            if other.pk != organisation.pk:
                pairs += 1
                report.warn(
                    item.location,
                    f"may be the same as “{other.name}” ({other.slug}): {match.reason}; "
                    + ("would be put" if dry_run else "put")
                    + " on the curators' review list",
                )
    return pairs


# Grappe's tables -----------------------------------------------------------------------------
