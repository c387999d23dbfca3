"""Grappe's own CSV tables (`grappe import csv-organisations|csv-offerings|csv-references`),
written through the bulk path of importers/bulk.py."""

from collections import defaultdict
from pathlib import Path
from typing import Any

from grappe.directory.models import Offering, Organisation, Reference, Software
from grappe.directory.validators import compact_identifier
from grappe.geo.models import name_key
from grappe.interop.formats import register_importer
from grappe.interop.formats.csv_tables import TABLES
from grappe.interop.formats.csv_tables import parse as parse_table
from grappe.interop.formats.grappe_yaml import DirectoryDocument, Record
from grappe.interop.importers.bulk import (
    EMPTY,
    BulkWriter,
    Staged,
    TableReport,
    add_findings,
    all_or_nothing,
    ask_after_write,
    fill_empty,
    read_checked,
)
from grappe.interop.importers.common import SlugChooser
from grappe.interop.loaders import load_directory
from grappe.interop.matching import Match, OrganisationMatcher
from grappe.interop.progress import progress
from grappe.interop.report import ImportReport, Rejection


class CsvOrganisationsImporter:
    name = "csv-organisations"
    description = "Grappe's CSV table of organisations (docs/formats/csv.md)"

    def run(self, path: Path, *, dry_run: bool = False, partial: bool = False) -> ImportReport:
        report = TableReport(source=str(path), dry_run=dry_run)
        content = read_checked(path, report, "a CSV file")
        if content is None:
            return report
        document = parse_table(content, "organisations", source=path.name)
        add_findings(report, document)
        if report.rejections and not document.records:
            return report
        with all_or_nothing(
            report,
            dry_run=dry_run,
            partial=partial,
            comment=f"Import csv-organisations: {path.name}",
        ) as writer:
            self.report = report
            staged, asks = self.stage(document.records)
            writer.write(Organisation, staged)
            ask_after_write(report, asks, str(path), dry_run=dry_run)
        return report

    def stage(self, records: list[Record]) -> tuple[list[Staged], list[tuple[Staged, Match]]]:
        matcher = OrganisationMatcher()
        by_slug = {o.slug: o for o in matcher_organisations(matcher)}
        slugs = SlugChooser(Organisation)
        staged, asks, claimed = [], [], set()
        here: dict[int, Staged] = {}  # entries this file creates, by object
        for record in progress(records, "organisations: matching"):
            data = dict(record.data)
            for name in ("siren", "siret"):
                if name in data:
                    data[name] = compact_identifier(data[name])
            instance = by_slug.get(data.get("slug", ""))
            match = Match(instance, "slug") if instance is not None else matcher.match(
                name=data["name"],
                siren=data.get("siren", ""),
                wikidata_id=data.get("wikidata_id", ""),
                website=data.get("website", ""),
                commune_insee=data.get("commune_insee", ""),
                postcode=data.get("postcode", ""),
            )  # fmt: skip
            if match.organisation is not None and id(match.organisation) in here:
                first = here[id(match.organisation)]
                if match.how in ("siren", "wikidata", "slug"):
                    self.report.reject(record.location, f"the same {match.how} as {first.location}")
                    continue
                reason = f"same {match.how} as another row of the file"
                match = Match(None, look_alikes=(match.organisation,), reason=reason)
            if match.organisation is not None and match.organisation.pk not in claimed:
                claimed.add(match.organisation.pk)
                changed = fill_empty(match.organisation, data, skip=("slug",))
                staged.append(Staged(record.location, match.organisation, False, changed))
                continue
            slug = data.pop("slug", "")
            if slug:
                slugs.taken.add(slug)
            organisation = Organisation(slug=slug or slugs.choose(data["name"], fallback="org"))
            for name, value in data.items():
                setattr(organisation, name, value)
            item = Staged(record.location, organisation, True)
            staged.append(item)
            here[id(organisation)] = item
            matcher.remember(organisation)
            by_slug[organisation.slug] = organisation
            if match.look_alikes:
                asks.append((item, match))
        return staged, asks


def matcher_organisations(matcher: OrganisationMatcher) -> list[Organisation]:
    """Every organisation the matcher indexed (each is under its name)."""
    return [o for organisations in matcher.by_name.values() for o in organisations]


class _ChildTableImporter:
    """Offerings and references: rows of a table that belong to an organisation, loaded with
    load_directory (their many-to-many relations and kind-specific rules are its job)."""

    kind = ""
    section = ""

    def run(self, path: Path, *, dry_run: bool = False, partial: bool = False) -> ImportReport:
        report = TableReport(source=str(path), dry_run=dry_run)
        content = read_checked(path, report, "a CSV file")
        if content is None:
            return report
        document = parse_table(content, self.kind, source=path.name)
        if document.errors and not document.records:
            add_findings(report, document)
            return report
        self.resolver = _Resolver()
        directory = DirectoryDocument()
        directory.errors.extend(document.errors)
        for record in document.records:
            try:
                organisation, child = self.child(record.data)
            except ValueError as error:
                directory.errors.append((record.location, str(error)))
                continue
            directory.sections["organisations"].append(
                Record(record.location, {"slug": organisation.slug, self.section: [child]})
            )
        loaded = load_directory(
            directory,
            source=str(path),
            dry_run=dry_run,
            partial=partial,
            comment=f"Import {self.name}: {path.name}",
        )
        report.committed = loaded.committed
        organisations = str(Organisation._meta.verbose_name_plural)
        report.counts.update({k: n for k, n in loaded.counts.items() if k[0] != organisations})
        suffix = f".{self.section}[0]"
        report.rejections = [
            Rejection(r.location.removesuffix(suffix), r.reason) for r in loaded.rejections
        ]
        for location, message in document.warnings:
            report.warn(location, message)
        return report

    name = ""

    def child(self, data: dict[str, Any]) -> tuple[Organisation, dict[str, Any]]:
        raise NotImplementedError


class _Resolver:
    """Finds organisations by slug or SIREN and software by slug or name."""

    def __init__(self):
        self.organisations: dict[str, Organisation] = {}
        for organisation in Organisation.objects.only("pk", "slug", "siren", "name"):
            self.organisations[organisation.slug] = organisation
            if organisation.siren:
                self.organisations[organisation.siren] = organisation
        self.software_by_slug: dict[str, str] = {}
        self.software_by_name: dict[str, list[str]] = defaultdict(list)
        for slug, name in Software.objects.values_list("slug", "name"):
            self.software_by_slug[slug] = slug
            self.software_by_name[name_key(name)].append(slug)

    def organisation(self, value: str, column: str = "organisation") -> Organisation:
        found = self.organisations.get(value) or self.organisations.get(compact_identifier(value))
        if found is None:
            raise ValueError(f"{column}: no organisation with slug or SIREN “{value}”")
        return found

    def software(self, values: list[str]) -> list[str]:
        slugs = []
        for value in values:
            slug = self.software_by_slug.get(value)
            if slug is None:
                named = self.software_by_name.get(name_key(value), [])
                if len(named) != 1:
                    problem = "several software have" if named else "no software has"
                    raise ValueError(f"software: {problem} the slug or name “{value}”")
                slug = named[0]
            slugs.append(slug)
        return slugs


class CsvOfferingsImporter(_ChildTableImporter):
    name = "csv-offerings"
    description = "Grappe's CSV table of offerings, by organisation slug or SIREN"
    kind = "offerings"
    section = "offerings"

    def run(self, path: Path, *, dry_run: bool = False, partial: bool = False) -> ImportReport:
        self.slugs = SlugChooser(Offering)
        self.existing = {
            (offering.organisation_id, offering.title.casefold()): offering
            for offering in Offering.objects.prefetch_related("software")
        }
        return super().run(path, dry_run=dry_run, partial=partial)

    def child(self, data: dict[str, Any]) -> tuple[Organisation, dict[str, Any]]:
        data = dict(data)
        organisation = self.resolver.organisation(data.pop("organisation"))
        if "software" in data:
            data["software"] = self.resolver.software(data["software"])
        existing = self.existing.get((organisation.pk, data["title"].casefold()))
        if existing is None:
            slug = data.pop("slug", "") or self.slugs.choose(
                f"{organisation.slug}-{data['title']}", fallback="offering"
            )
            self.slugs.taken.add(slug)
            self.existing[(organisation.pk, data["title"].casefold())] = Offering(slug=slug)
            return organisation, {"slug": slug, **data}
        merged = {"slug": existing.slug}
        if existing.pk is None:  # twice in the file: the first row wins
            return organisation, merged
        for name, value in data.items():
            if name not in ("slug", "software") and getattr(existing, name) in EMPTY:
                merged[name] = value
        known = [s.slug for s in existing.software.all()]
        merged["software"] = known + [s for s in data.get("software", []) if s not in known]
        return organisation, merged


class CsvReferencesImporter(_ChildTableImporter):
    name = "csv-references"
    description = "Grappe's CSV table of references (past contracts), by organisation slug or SIREN"
    kind = "references"
    section = "references"

    def run(self, path: Path, *, dry_run: bool = False, partial: bool = False) -> ImportReport:
        self.existing = {
            (reference.organisation_id, reference.title, reference.year): reference
            for reference in Reference.objects.prefetch_related("software", "partners")
        }
        return super().run(path, dry_run=dry_run, partial=partial)

    def child(self, data: dict[str, Any]) -> tuple[Organisation, dict[str, Any]]:
        data = dict(data)
        organisation = self.resolver.organisation(data.pop("organisation"))
        if "software" in data:
            data["software"] = self.resolver.software(data["software"])
        if "client" in data:
            data["client"] = self.resolver.organisation(data["client"], "client").slug
        if "partners" in data:
            data["partners"] = [
                self.resolver.organisation(value, "partners").slug for value in data["partners"]
            ]
        try:
            year = int(data["year"])
        except ValueError as error:
            raise ValueError(f"year: “{data['year']}” is not a year") from error
        existing = self.existing.get((organisation.pk, data["title"], year))
        if existing is None:
            return organisation, data
        merged = {"title": existing.title, "year": existing.year}
        for name, value in data.items():
            if name in ("software", "partners", "client"):
                continue
            if name not in merged and getattr(existing, name) in EMPTY:
                merged[name] = value
        if "client" in data and existing.client_id is None:
            merged["client"] = data["client"]
        for name in ("software", "partners"):
            known = [entry.slug for entry in getattr(existing, name).all()]
            merged[name] = known + [s for s in data.get(name, []) if s not in known]
        return organisation, merged


register_importer(CsvOrganisationsImporter())
register_importer(CsvOfferingsImporter())
register_importer(CsvReferencesImporter())

__all__ = ["TABLES", "BulkWriter", "Staged", "TableReport"]
