"""Importers: a parser from `formats/` wired to a loader, registered by format name."""

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils.text import slugify

from grappe.directory.models import Category, Organisation, Software
from grappe.geo.gazetteer import (
    geocode_organisations,
    store_communes,
    store_departements,
    store_epcis,
)
from grappe.geo.geocoding import is_centroid
from grappe.geo.models import Commune, Departement, Epci, name_key
from grappe.interop.formats import register_importer
from grappe.interop.formats.communes import parse as parse_communes
from grappe.interop.formats.departements import parse as parse_departements
from grappe.interop.formats.epci import parse as parse_epci
from grappe.interop.formats.fablabs import parse as parse_fablabs
from grappe.interop.formats.grappe_yaml import DirectoryDocument, Record
from grappe.interop.formats.grappe_yaml import parse as parse_grappe_yaml
from grappe.interop.formats.sill import SillDocument
from grappe.interop.formats.sill import parse as parse_sill
from grappe.interop.loaders import load_directory
from grappe.interop.report import ImportReport

DEMO_DIR = Path(__file__).resolve().parent / "demo"


def read_grappe_yaml(paths: list[Path]) -> DirectoryDocument:
    """One document from several files, so that entries may refer to each other across files."""
    document = DirectoryDocument()
    for path in paths:
        document.extend(parse_grappe_yaml(path.read_bytes(), source=path.name))
    return document


class GrappeYamlImporter:
    name = "grappe-yaml"
    description = "Grappe's own YAML format (a file, or a folder of .yaml files)"

    def run(self, path: Path, *, dry_run: bool = False, partial: bool = False) -> ImportReport:
        paths = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        return load_directory(
            read_grappe_yaml(paths),
            source=str(path),
            dry_run=dry_run,
            partial=partial,
            comment=f"Import grappe-yaml: {path.name}",
        )


def load_demo(*, dry_run: bool = False) -> ImportReport:
    """The demo data shipped with Grappe, with the communes and intercommunalities its entries
    need (extracts of the official files), loaded first so that saving each organisation
    places it; loading it twice changes nothing."""
    with transaction.atomic():
        places = ImportReport(source="demo places", dry_run=dry_run)
        load_communes(
            (DEMO_DIR / "communes.csv").read_bytes(), "communes.csv", places, dry_run=False
        )
        epcis = parse_epci((DEMO_DIR / "epci.json").read_bytes(), source="epci.json")
        stored = store_epcis(epcis.epcis)
        paths = sorted(DEMO_DIR.glob("*.yaml"))
        report = load_directory(
            read_grappe_yaml(paths), source="demo data", dry_run=dry_run, comment="Demo data"
        )
        for key, number in places.counts.items():
            report.counts[key] += number
        _count(report, Epci, stored.epcis)
        report.rejections += places.rejections
        for location, reason in epcis.errors:
            report.reject(location, reason)
        if dry_run or not report.ok:
            transaction.set_rollback(True)
            report.committed = False
    return report


def load_communes(
    content: bytes, source: str, report: ImportReport, *, dry_run: bool, partial: bool = False
) -> bool:
    """Parse a communes CSV into `report` and store it unless rejected or a dry run; True when
    stored. Rejected rows block the whole file unless `partial`."""
    document = parse_communes(content, source=source)
    for location, reason in document.errors:
        report.reject(location, reason)
    if (document.errors and not partial) or dry_run:
        for _record in document.communes:
            report.count("communes", "unchanged")  # what would have been read
        return False
    for outcome, number in store_communes(document.communes).items():
        report.counts[("communes", outcome)] += number
    return True


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
        self.taken = set(self.by_slug)  # slugs in the directory or given to new entries

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
        return None, self.new_slug(base, data)

    def new_slug(self, base: str, data: dict[str, Any]) -> str:
        """A free slug: the name's, else with the parent software, else numbered."""
        candidates = [base]
        if data.get("parent"):
            candidates.append(f"{base}-{slugify(data['parent'])}"[:100])
        for slug in candidates:
            if slug not in self.taken:
                break
        else:
            counter = 2
            while f"{base}-{counter}" in self.taken:
                counter += 1
            slug = f"{base}-{counter}"
        self.taken.add(slug)
        return slug

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


class CommunesImporter:
    name = "communes"
    description = "the official communes CSV (INSEE code, name, postcodes, coordinates)"

    def run(self, path: Path, *, dry_run: bool = False, partial: bool = False) -> ImportReport:
        report = ImportReport(source=str(path), dry_run=dry_run)
        if not load_communes(
            path.read_bytes(), path.name, report, dry_run=dry_run, partial=partial
        ):
            return report
        report.committed = True
        for organisation, reason in geocode_organisations():
            report.warn(f"organisation {organisation.slug}", f"not placed: {reason}")
        return report


register_importer(GrappeYamlImporter())
register_importer(CommunesImporter())
register_importer(SillImporter())


def _stored(report: ImportReport, dry_run: bool, store):
    """Run a store function in one transaction, rolled back on a dry run; what it returned."""
    with transaction.atomic():
        result = store()
        transaction.set_rollback(dry_run)
    report.committed = not dry_run
    return result


def _count(report: ImportReport, model, counts: dict[str, int]) -> None:
    label = str(model._meta.verbose_name_plural)
    for outcome, number in counts.items():
        report.counts[(label, outcome)] += number


def _read(path: Path, parse, expected: str, *, dry_run: bool, partial: bool):
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


class DepartementsImporter:
    name = "departements"
    description = "département outlines (GeoJSON FeatureCollection with code and nom)"

    def run(self, path: Path, *, dry_run: bool = False, partial: bool = False) -> ImportReport:
        report, document = _read(
            path, parse_departements, "a GeoJSON file", dry_run=dry_run, partial=partial
        )
        if document is not None:
            counts = _stored(report, dry_run, lambda: store_departements(document.departements))
            _count(report, Departement, counts)
        return report


class EpciImporter:
    name = "epci"
    description = "intercommunalities (EPCI) from decoupage-administratif's epci.json"

    def run(self, path: Path, *, dry_run: bool = False, partial: bool = False) -> ImportReport:
        report, document = _read(
            path, parse_epci, "an EPCI JSON file", dry_run=dry_run, partial=partial
        )
        if document is None:
            return report
        stored = _stored(report, dry_run, lambda: store_epcis(document.epcis))
        _count(report, Epci, stored.epcis)
        _count(report, Commune, {k: v for k, v in stored.communes.items() if v})
        for location, message in document.warnings:
            report.warn(location, message)
        if stored.missing:
            examples = ", ".join(f"{code} {name}".strip() for code, name in stored.missing[:5])
            more = len(stored.missing) - 5
            report.warn(
                path.name,
                f"{len(stored.missing)} member communes are not in the gazetteer, so their EPCI "
                f"is not recorded (communes of another region, or not imported yet): {examples}"
                + (f" and {more} more" if more > 0 else ""),
            )
        return report


class FablabsImporter:
    name = "fablabs"
    description = "fab labs and third places as GeoJSON points (#MapLabBZH's map_bzh_fablab)"

    def run(self, path: Path, *, dry_run: bool = False, partial: bool = False) -> ImportReport:
        if path.is_dir():
            return _read(path, parse_fablabs, "a GeoJSON file", dry_run=dry_run, partial=True)[0]
        document = parse_fablabs(path.read_bytes(), source=path.name)
        directory = DirectoryDocument()
        directory.errors.extend(document.errors)
        directory.sections["organisations"] = _FablabMatcher(document.organisations).records()
        report = load_directory(
            directory,
            source=str(path),
            dry_run=dry_run,
            partial=partial,
            comment=f"Import fablabs: {path.name}",
        )
        for location, message in document.warnings:
            report.warn(location, message)
        return report


# Link shorteners: one domain for unrelated sites, never a reason to match.
_SHORTENERS = {"bit.ly", "cutt.ly", "goo.gl", "tinyurl.com", "ow.ly", "t.co", "urlz.fr"}


def website_domain(url: str) -> str:
    """The host of a web address without "www.": "https://www.Labfab.fr/x" -> "labfab.fr"."""
    try:
        host = urlsplit(url or "").hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


class _FablabMatcher:
    """Turns fab lab records into Grappe YAML organisation records keyed by slug.

    An organisation of the directory (of any kind) is matched by its website's domain, when
    that domain names only it and only one place of the file (several labs of one network may
    share a site), then by its folded name and postcode. A match only gets the fields it leaves
    empty, so a curator's edit survives every re-import; coordinates that are only its
    commune's centroid count as empty, since the file's point is more precise.
    """

    def __init__(self, records: list[Record]):
        self.incoming = records
        organisations = list(Organisation.objects.order_by("pk"))
        self.by_domain: dict[str, list[Organisation]] = defaultdict(list)
        self.by_name: dict[tuple[str, str], list[Organisation]] = defaultdict(list)
        for organisation in organisations:
            if domain := website_domain(organisation.website):
                self.by_domain[domain].append(organisation)
            self.by_name[(name_key(organisation.name), organisation.postcode)].append(organisation)
        self.file_domains = Counter(website_domain(r.data.get("website", "")) for r in records)
        self.claimed: set[int] = set()  # directory entries already matched by this file
        self.taken = {o.slug for o in organisations}  # slugs in use or given to new entries

    def records(self) -> list[Record]:
        return [Record(r.location, self.merge(r.data, self.match(r.data))) for r in self.incoming]

    def match(self, data: dict[str, Any]) -> Organisation | None:
        domain = website_domain(data.get("website", ""))
        if domain and domain not in _SHORTENERS and self.file_domains[domain] == 1:
            candidates = self.by_domain.get(domain, [])
            if len(candidates) == 1 and candidates[0].pk not in self.claimed:
                self.claimed.add(candidates[0].pk)
                return candidates[0]
        key = (name_key(data["name"]), data.get("postcode", ""))
        for candidate in self.by_name.get(key, []):
            if candidate.pk not in self.claimed:
                self.claimed.add(candidate.pk)
                return candidate
        return None

    def merge(self, data: dict[str, Any], instance: Organisation | None) -> dict[str, Any]:
        """All the fields for a new organisation, the empty ones for an existing one."""
        if instance is None:  # saving it fills its commune code (grappe.geo.placing)
            return {"slug": self.new_slug(data), **data}
        merged: dict[str, Any] = {"slug": instance.slug}
        for name, value in data.items():
            if name not in ("latitude", "longitude") and getattr(instance, name) in ("", None, []):
                merged[name] = value
        if "latitude" in data and (
            instance.latitude is None
            or is_centroid(instance.commune_insee, instance.latitude, instance.longitude)
        ):  # no point yet, or only its commune's centroid: the file's is more precise
            merged.update(latitude=data["latitude"], longitude=data["longitude"])
        return merged

    def new_slug(self, data: dict[str, Any]) -> str:
        """A free slug: the name's, else with the commune, else numbered."""
        base = slugify(data["name"])[:100] or "organisation"
        candidates = [base]
        if data.get("commune_name"):
            candidates.append(f"{base}-{slugify(data['commune_name'])}"[:110])
        for slug in candidates:
            if slug not in self.taken:
                break
        else:
            counter = 2
            while f"{base}-{counter}" in self.taken:
                counter += 1
            slug = f"{base}-{counter}"
        self.taken.add(slug)
        return slug


register_importer(DepartementsImporter())
register_importer(EpciImporter())
register_importer(FablabsImporter())
