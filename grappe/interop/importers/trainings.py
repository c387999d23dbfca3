"""`grappe import trainings`: code.gouv.fr's free-software training organisations, each with
its courses as training offerings (service, training) linked to the catalogue's software.

Organisations are matched with the OrganisationMatcher (website domain, name and commune); a
course is the offering of that organisation with the same title. An existing entry only gets
its empty fields; its related software gains what the course names.
"""

from collections import defaultdict
from pathlib import Path
from typing import Any

from django.db import transaction

from grappe.directory.models import (
    Offering,
    OfferingKind,
    Organisation,
    ServiceKind,
    Software,
)
from grappe.geo.models import name_key
from grappe.interop.formats import register_importer
from grappe.interop.formats.grappe_yaml import DirectoryDocument, Record
from grappe.interop.formats.trainings import Course, TrainingOrganisation
from grappe.interop.formats.trainings import parse as parse_trainings
from grappe.interop.importers.bulk import (
    EMPTY,
    Staged,
    TableReport,
    add_findings,
    ask_after_write,
    read_checked,
)
from grappe.interop.importers.common import SlugChooser
from grappe.interop.loaders import load_directory
from grappe.interop.matching import Match, OrganisationMatcher
from grappe.interop.report import ImportReport

# Names too common to say which software a course is about on their own.
GENERIC_NAMES = {
    "web", "data", "docs", "doc", "api", "site", "test", "tests", "demo", "formation",
    "training", "design", "admin", "app", "tools", "utils", "core", "common", "config",
    "python", "java", "javascript", "php", "html", "css", "c", "r", "go", "rust", "linux",
}  # fmt: skip
LONGEST_NAME = 4  # words: software names are looked up among a title's runs of 1 to 4 words


class SoftwareFinder:
    """The catalogue's software a course title names. A name shared by several entries counts
    only when one of them is curated (a SILL or Wikidata id); a generic word ("python", a
    repository named "docs") or a name shorter than 3 letters never counts alone."""

    def __init__(self):
        self.by_name: dict[str, list[tuple[str, bool]]] = defaultdict(list)
        for slug, name, sill_id, wikidata_id in Software.objects.values_list(
            "slug", "name", "sill_id", "wikidata_id"
        ):
            self.by_name[name_key(name)].append((slug, bool(sill_id or wikidata_id)))

    def find(self, title: str) -> list[str]:
        words = name_key(title).split()
        found: list[str] = []
        for size in range(LONGEST_NAME, 0, -1):
            for start in range(len(words) - size + 1):
                key = " ".join(words[start : start + size])
                slug = self.pick(key)
                if slug and slug not in found:
                    found.append(slug)
        return found

    def pick(self, key: str) -> str:
        candidates = self.by_name.get(key, [])
        curated = [slug for slug, is_curated in candidates if is_curated]
        if len(curated) == 1:
            return curated[0]
        if len(candidates) == 1 and len(key) >= 3 and key not in GENERIC_NAMES:
            return candidates[0][0]
        return ""


class TrainingsImporter:
    name = "trainings"
    description = (
        "free-software training organisations (code.gouv.fr's formations-logiciels-libres.yml)"
    )

    def run(self, path: Path, *, dry_run: bool = False, partial: bool = False) -> ImportReport:
        report = TableReport(source=str(path), dry_run=dry_run)
        content = read_checked(path, report, "formations-logiciels-libres.yml")
        if content is None:
            return report
        document = parse_trainings(content, source=path.name)
        if document.errors and not document.organisations:
            add_findings(report, document)
            return report
        directory = DirectoryDocument()
        directory.errors.extend(document.errors)
        records, asks = _Stager().records(document.organisations)
        directory.sections["organisations"] = records
        loaded = load_directory(
            directory,
            source=str(path),
            dry_run=dry_run,
            partial=partial,
            comment=f"Import trainings: {path.name}",
        )
        report.counts, report.rejections = loaded.counts, loaded.rejections
        report.committed = loaded.committed
        for location, message in document.warnings:
            report.warn(location, message)
        created = {
            organisation.slug: organisation
            for organisation in Organisation.objects.filter(slug__in=[s for s, _m, _l in asks])
        }
        staged = [
            (Staged(location, created.get(slug) or Organisation(slug=slug), True), match)
            for slug, match, location in asks
        ]
        with transaction.atomic():
            ask_after_write(report, staged, str(path), dry_run=not loaded.committed)
        return report


class _Stager:
    """Turns training organisations into Grappe YAML records keyed by the slug they will have,
    with their courses nested as offerings."""

    def __init__(self):
        self.matcher = OrganisationMatcher()
        self.organisation_slugs = SlugChooser(Organisation)
        self.offering_slugs = SlugChooser(Offering)
        self.software = SoftwareFinder()
        self.offerings: dict[tuple[int, str], Offering] = {
            (offering.organisation_id, offering.title.casefold()): offering
            for offering in Offering.objects.prefetch_related("software")
        }
        self.claimed: set[int] = set()

    def records(self, organisations: list[TrainingOrganisation]):
        records, asks = [], []
        for entry in organisations:
            data = entry.organisation
            match = self.matcher.match(
                name=data["name"],
                website=data.get("website", ""),
                postcode=data.get("postcode", ""),
            )
            instance = match.organisation
            if instance is not None and instance.pk not in self.claimed:
                self.claimed.add(instance.pk)
                fields = {"slug": instance.slug}
                fields.update(
                    {k: v for k, v in data.items() if k != "tags" and getattr(instance, k) in EMPTY}
                )
                if not instance.tags:
                    fields["tags"] = data["tags"]
            else:
                slug = self.organisation_slugs.choose(data["name"], fallback="organisation")
                fields = {"slug": slug, **data}
                self.matcher.remember(Organisation(**fields))
                if match.look_alikes:
                    asks.append((slug, match, entry.location))
                instance = None
            fields["offerings"] = [
                self.offering(instance, fields["slug"], course, entry.delivery_mode)
                for course in entry.courses
            ]
            records.append(Record(entry.location, fields))
        return records, asks

    def offering(
        self, organisation: Organisation | None, slug: str, course: Course, delivery: str
    ) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": OfferingKind.SERVICE.value,
            "service_kind": ServiceKind.TRAINING.value,
            "title": course.title,
            "description_fr": course.description,
            "duration_hours": course.duration_hours,
            "delivery_mode": delivery,
        }
        data = {k: v for k, v in data.items() if v not in EMPTY}
        software = self.software.find(course.description or course.title)
        existing = (
            self.offerings.get((organisation.pk, course.title.casefold())) if organisation else None
        )
        if existing is None:
            new_slug = self.offering_slugs.choose(f"{slug}-{course.title}", fallback="training")
            return {"slug": new_slug, **data, **({"software": software} if software else {})}
        merged = {"slug": existing.slug}
        merged.update({k: v for k, v in data.items() if getattr(existing, k) in EMPTY})
        known = [entry.slug for entry in existing.software.all()]
        merged["software"] = known + [s for s in software if s not in known]
        return merged


register_importer(TrainingsImporter())

__all__ = ["Match", "SoftwareFinder", "TrainingsImporter"]
