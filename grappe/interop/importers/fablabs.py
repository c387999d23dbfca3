"""Fab lab maps as GeoJSON points (#MapLabBZH's map_bzh_fablab.geojson)."""

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from grappe.directory.models import Organisation
from grappe.geo.geocoding import is_centroid
from grappe.geo.models import name_key
from grappe.interop.formats import register_importer
from grappe.interop.formats.fablabs import parse as parse_fablabs
from grappe.interop.formats.grappe_yaml import DirectoryDocument, Record
from grappe.interop.importers.common import SlugChooser, read_file
from grappe.interop.loaders import load_directory
from grappe.interop.matching import identifying_domain, website_domain
from grappe.interop.report import ImportReport


class FablabsImporter:
    name = "fablabs"
    description = "fab labs and third places as GeoJSON points (#MapLabBZH's map_bzh_fablab)"

    def run(self, path: Path, *, dry_run: bool = False, partial: bool = False) -> ImportReport:
        if path.is_dir():
            return read_file(path, parse_fablabs, "a GeoJSON file", dry_run=dry_run, partial=True)[
                0
            ]
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
            if domain := identifying_domain(organisation.website):
                self.by_domain[domain].append(organisation)
            self.by_name[(name_key(organisation.name), organisation.postcode)].append(organisation)
        self.file_domains = Counter(website_domain(r.data.get("website", "")) for r in records)
        self.claimed: set[int] = set()  # directory entries already matched by this file
        self.slugs = SlugChooser(Organisation)  # slugs in use or given to new entries

    def records(self) -> list[Record]:
        return [Record(r.location, self.merge(r.data, self.match(r.data))) for r in self.incoming]

    def match(self, data: dict[str, Any]) -> Organisation | None:
        domain = identifying_domain(data.get("website", ""))
        if domain and self.file_domains[domain] == 1:
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
        return self.slugs.choose(
            data["name"], f"{data['name']} {data.get('commune_name', '')}", fallback="organisation"
        )


register_importer(FablabsImporter())
