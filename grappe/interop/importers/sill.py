"""The SILL (sill.json): the French State's recommended free software."""

from pathlib import Path
from typing import Any

from django.utils.text import slugify

from grappe.directory.models import Category, Software
from grappe.interop.formats import register_importer
from grappe.interop.formats.grappe_yaml import DirectoryDocument, Record
from grappe.interop.formats.sill import SillDocument
from grappe.interop.formats.sill import parse as parse_sill
from grappe.interop.importers.common import SlugChooser
from grappe.interop.loaders import load_directory
from grappe.interop.report import ImportReport


class SillImporter:
    name = "sill"
    description = "The SILL, the French State's recommended free software (sill.json, 2022 export)"

    def run(self, path: Path, *, dry_run: bool = False, partial: bool = False) -> ImportReport:
        if path.is_dir():
            report = ImportReport(source=str(path), dry_run=dry_run)
            report.reject(str(path), "expected the sill.json file, not a folder")
            return report
        document = parse_sill(path.read_bytes(), source=path.name)
        return load_sill(document, source=str(path), dry_run=dry_run, partial=partial)


def load_sill(
    document: SillDocument, *, source: str, dry_run: bool = False, partial: bool = False
) -> ImportReport:
    """Load a parsed SILL into the directory, completing the entries it already has.

    Software is matched on its SILL id, then on the slug of its name (an entry curated by hand
    or by the demo data gains its SILL id instead of being duplicated). The SILL fills empty
    fields and adds categories, tags and similar software; it never overwrites what the
    directory already says, so a curator's edit survives every re-import.
    """
    directory = DirectoryDocument()
    directory.errors.extend(document.errors)
    directory.sections["categories"] = _sill_categories(document.categories)
    directory.sections["software"] = _SillMatcher().records(document.software)
    report = load_directory(
        directory,
        source=source,
        dry_run=dry_run,
        partial=partial,
        comment=f"Import sill: {Path(source).name}",
    )
    for location, message in document.warnings:
        report.warn(location, message)
    return report


def _sill_categories(records: list[Record]) -> list[Record]:
    """New categories from the SILL; an existing one (same slug) is used as it is."""
    existing = set(Category.objects.values_list("slug", flat=True))
    return [
        Record(r.location, {"slug": r.data["slug"]}) if r.data["slug"] in existing else r
        for r in records
    ]


# Fields the SILL fills on an existing entry only when the directory leaves them empty.
_SILL_FILLS = (
    "sill_id",
    "description_fr",
    "description_en",
    "website",
    "repository_url",
    "logo_url",
    "comptoir_id",
    "software_type",
)


class _SillMatcher:
    """Turns SILL records into Grappe YAML software records keyed by the slug they will have."""

    def __init__(self):
        software = Software.objects.prefetch_related("categories", "similar")
        self.by_slug = {s.slug: s for s in software}
        self.by_sill_id = {s.sill_id: s for s in self.by_slug.values() if s.sill_id}
        self.claimed: set[int] = set()  # directory entries already matched by this file
        self.slugs = SlugChooser(Software)  # slugs in the directory or given to new entries

    def records(self, sill_records: list[Record]) -> list[Record]:
        matched = [(record, self.match(record.data)) for record in sill_records]
        slugs = {record.data["sill_id"]: slug for record, (_instance, slug) in matched}
        similar = self.similar_pairs(sill_records, slugs)
        return [
            Record(record.location, self.merge(record.data, instance, slug, similar[slug]))
            for record, (instance, slug) in matched
        ]

    def match(self, data: dict[str, Any]) -> tuple[Software | None, str]:
        """The directory entry this SILL entry is, or None and the slug a new entry gets."""
        instance = self.by_sill_id.get(data["sill_id"])
        base = slugify(data["name"])[:100] or "software"
        if instance is None:
            candidate = self.by_slug.get(base)
            if (
                candidate is not None
                and candidate.sill_id in ("", data["sill_id"])
                and candidate.pk not in self.claimed
            ):
                instance = candidate
        if instance is not None and instance.pk not in self.claimed:
            self.claimed.add(instance.pk)
            return instance, instance.slug
        return None, self.new_slug(data)

    def new_slug(self, data: dict[str, Any]) -> str:
        """A free slug: the name's, else with the parent software, else numbered."""
        return self.slugs.choose(data["name"], f"{data['name']} {data.get('parent') or ''}")

    def similar_pairs(self, records: list[Record], slugs: dict[str, str]) -> dict[str, set[str]]:
        """Similar software by slug, both ways: the relation is symmetric in the directory."""
        similar: dict[str, set[str]] = {slug: set() for slug in slugs.values()}
        for record in records:
            slug = slugs[record.data["sill_id"]]
            for other_id in record.data.get("similar_sill_ids", []):
                other = slugs[other_id]
                if other != slug:
                    similar[slug].add(other)
                    similar[other].add(slug)
        return similar

    def merge(
        self, data: dict[str, Any], instance: Software | None, slug: str, similar: set[str]
    ) -> dict[str, Any]:
        """The fields to load: all of them for a new entry, the empty ones for an existing one."""
        sill = {k: v for k, v in data.items() if k not in ("similar_sill_ids", "parent")}
        if instance is None:
            merged = {"slug": slug, **sill}
            if similar:
                merged["similar"] = sorted(similar)
            return merged
        merged = {"slug": slug}
        for name in _SILL_FILLS:
            if sill.get(name) and not getattr(instance, name):
                merged[name] = sill[name]
        if sill.get("licence_raw") and not instance.licence_raw and not instance.licence:
            merged["licence_raw"] = sill["licence_raw"]
            if sill.get("licence"):
                merged["licence"] = sill["licence"]
        categories = [c.slug for c in instance.categories.all()]
        categories += [c for c in sill.get("categories", []) if c not in categories]
        known_tags = {tag.casefold() for tag in instance.tags}
        tags = instance.tags + [t for t in sill.get("tags", []) if t.casefold() not in known_tags]
        merged.update(categories=categories, tags=tags)
        merged["similar"] = sorted({s.slug for s in instance.similar.all()} | similar)
        return merged


register_importer(SillImporter())
