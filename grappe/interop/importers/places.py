"""The gazetteer's files: communes (CSV), départements (GeoJSON outlines), EPCI (JSON)."""

from pathlib import Path

from grappe.geo.gazetteer import (
    geocode_organisations,
    store_communes,
    store_departements,
    store_epcis,
)
from grappe.geo.models import Commune, Departement, Epci
from grappe.interop.formats import register_importer
from grappe.interop.formats.communes import parse as parse_communes
from grappe.interop.formats.departements import parse as parse_departements
from grappe.interop.formats.epci import parse as parse_epci
from grappe.interop.importers.common import count_stored, read_file, stored_in_transaction
from grappe.interop.report import ImportReport


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


class DepartementsImporter:
    name = "departements"
    description = "département outlines (GeoJSON FeatureCollection with code and nom)"

    def run(self, path: Path, *, dry_run: bool = False, partial: bool = False) -> ImportReport:
        report, document = read_file(
            path, parse_departements, "a GeoJSON file", dry_run=dry_run, partial=partial
        )
        if document is not None:
            counts = stored_in_transaction(
                report, dry_run, lambda: store_departements(document.departements)
            )
            count_stored(report, Departement, counts)
        return report


class EpciImporter:
    name = "epci"
    description = "intercommunalities (EPCI) from decoupage-administratif's epci.json"

    def run(self, path: Path, *, dry_run: bool = False, partial: bool = False) -> ImportReport:
        report, document = read_file(
            path, parse_epci, "an EPCI JSON file", dry_run=dry_run, partial=partial
        )
        if document is None:
            return report
        stored = stored_in_transaction(report, dry_run, lambda: store_epcis(document.epcis))
        count_stored(report, Epci, stored.epcis)
        count_stored(report, Commune, {k: v for k, v in stored.communes.items() if v})
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


register_importer(CommunesImporter())
register_importer(DepartementsImporter())
register_importer(EpciImporter())
