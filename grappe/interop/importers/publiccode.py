"""publiccode.yml files: one software entry each, from one file or a folder of repositories."""

from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.utils.text import slugify

from grappe.directory.licences import normalise_licence
from grappe.directory.models import Category, Software
from grappe.directory.models.software import MaintenanceType, Platform, SoftwareType
from grappe.interop.formats import register_importer
from grappe.interop.formats.grappe_yaml import DirectoryDocument, Record
from grappe.interop.formats.publiccode import (
    GRAPPE_CATEGORIES,
    PubliccodeFile,
    is_http_url,
    validate,
)
from grappe.interop.loaders import load_directory
from grappe.interop.progress import progress
from grappe.interop.report import ImportReport

# Model limits, checked here so that a long value is a dropped field, not a rejected file.
MAX_LENGTHS = {
    "name": 200,
    "website": 300,
    "repository_url": 300,
    "logo_url": 500,
    "latest_version": 50,
    "licence_raw": 200,
}
# Fields a file fills on an entry the directory already has, only where the entry is empty.
FILLED_WHEN_EMPTY = (
    "description_fr",
    "description_en",
    "website",
    "repository_url",
    "logo_url",
    "software_type",
    "development_status",
    "maintenance_type",
    "platforms",
    "latest_version",
    "release_date",
)


def is_publiccode_name(name: str) -> bool:
    """publiccode.yml, or NAME.publiccode.yml for a folder that gathers several."""
    lowered = name.lower()
    return lowered in ("publiccode.yml", "publiccode.yaml") or lowered.endswith(
        (".publiccode.yml", ".publiccode.yaml")
    )


def publiccode_files(path: Path) -> list[Path]:
    """The file itself, or the publiccode.yml files of a folder and its sub-folders, sorted."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and is_publiccode_name(p.name))


def normalised_repository(url: str) -> str:
    """The same repository however its URL is written: no scheme, no trailing .git or slash,
    host in lower case (`github.com/Org/App`)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.port:
        host = f"{host}:{parts.port}"
    path = parts.path.rstrip("/").removesuffix(".git").rstrip("/")
    return f"{host}{path}"


class PubliccodeImporter:
    name = "publiccode"
    description = "publiccode.yml files: one file, or a folder searched for them"

    def run(self, path: Path, *, dry_run: bool = False, partial: bool = False) -> ImportReport:
        files = publiccode_files(path)
        if not files:
            report = ImportReport(source=str(path), dry_run=dry_run)
            report.reject(
                str(path), "no publiccode.yml here (looked for publiccode.yml and *.publiccode.yml)"
            )
            return report
        root = path if path.is_dir() else path.parent
        checked = []
        for file in progress(files, "publiccode.yml files"):
            location = file.relative_to(root).as_posix()
            checked.append(
                (location, validate(file.read_bytes(), source=location, base_dir=file.parent))
            )
        return load_publiccode(checked, source=str(path), dry_run=dry_run, partial=partial)


def load_publiccode(
    files: list[tuple[str, PubliccodeFile]],
    *,
    source: str,
    dry_run: bool = False,
    partial: bool = False,
) -> ImportReport:
    """Load checked files, one software entry each, completing the entries the directory has.

    A file with errors is rejected whole, its errors as the reason; without `partial`, one
    rejected file means nothing is saved. An entry is matched on its repository URL, then on the
    slug of its name; an entry the directory already has only gets its empty fields filled, and
    gains categories and tags, so a curator's edit survives every re-import.
    """
    directory = DirectoryDocument()
    notices: list[tuple[str, str]] = []
    matcher = _Matcher(notices)
    for location, checked in files:
        for finding in checked.warnings:
            notices.append((f"{location}: {finding.where}", finding.message))
        if checked.errors:
            reasons = "; ".join(f"{error.where}: {error.message}" for error in checked.errors)
            directory.errors.append((location, f"not a valid publiccode.yml: {reasons}"))
            continue
        fields = _Reader(location, notices).software(checked.data)
        record = matcher.record(location, fields)
        if isinstance(record, str):
            directory.errors.append((location, record))
        else:
            directory.sections["software"].append(record)
    report = load_directory(
        directory,
        source=source,
        dry_run=dry_run,
        partial=partial,
        comment=f"Import publiccode: {Path(source).name}",
    )
    for location, message in notices:
        report.warn(location, message)
    return report


class _Reader:
    """The Software fields a valid file gives, with a warning for each value Grappe cannot keep."""

    def __init__(self, location: str, notices: list[tuple[str, str]]):
        self.location = location
        self.notices = notices

    def warn(self, key: str, message: str) -> None:
        self.notices.append((f"{self.location}: {key}", message))

    def software(self, data: dict[str, Any]) -> dict[str, Any]:
        fields: dict[str, Any] = {"name": self.limited("name", "name", str(data["name"]).strip())}
        descriptions = data.get("description") or {}
        for language in ("fr", "en"):
            text = _description(descriptions, language)
            if text:
                fields[f"description_{language}"] = text
        url = str(data["url"]).strip()
        if is_http_url(url):
            fields["repository_url"] = self.limited("url", "repository_url", url)
        else:
            self.warn("url", f"“{url}” is not a web address; the repository URL is not imported")
        landing = str(data.get("landingURL") or "").strip()
        website = landing or (url if is_http_url(url) else "")
        fields["website"] = self.limited("landingURL" if landing else "url", "website", website)
        licence = str((data.get("legal") or {}).get("license") or "").strip()
        fields["licence_raw"] = self.limited("legal.license", "licence_raw", licence)
        fields["licence"] = normalise_licence(licence).spdx or ""
        fields["software_type"] = self.choice(
            "softwareType", data.get("softwareType"), SoftwareType.values
        )
        fields["development_status"] = str(data.get("developmentStatus") or "")
        maintenance = (data.get("maintenance") or {}).get("type")
        fields["maintenance_type"] = self.choice(
            "maintenance.type", maintenance, MaintenanceType.values
        )
        fields["platforms"] = self.platforms(data.get("platforms") or [])
        version = str(data.get("softwareVersion") or "").strip()
        fields["latest_version"] = self.limited("softwareVersion", "latest_version", version)
        if data.get("releaseDate"):
            fields["release_date"] = date.fromisoformat(str(data["releaseDate"]).strip())
        fields["logo_url"] = self.logo(str(data.get("logo") or "").strip())
        fields["categories"] = [str(c) for c in data.get("categories") or []]
        scope = (data.get("intendedAudience") or {}).get("scope") or []
        fields["tags"] = [str(s) for s in scope]
        return {name: value for name, value in fields.items() if value not in ("", None, [])}

    def limited(self, key: str, field: str, value: str) -> str:
        if len(value) > MAX_LENGTHS[field]:
            self.warn(
                key, f"longer than the {MAX_LENGTHS[field]} characters Grappe keeps; not imported"
            )
            return ""
        return value

    def choice(self, key: str, value: Any, choices: list[str]) -> str:
        if value in (None, ""):
            return ""
        if value not in choices:
            self.warn(key, f"“{value}” has no equivalent in Grappe; not imported")
            return ""
        return str(value)

    def platforms(self, platforms: list[Any]) -> list[str]:
        kept = []
        for platform in platforms:
            name = str(platform).strip().lower()
            if name in Platform.values:
                if name not in kept:
                    kept.append(name)
            else:
                known = ", ".join(Platform.values)
                self.warn(
                    "platforms",
                    f"“{platform}” is not a platform Grappe knows ({known}); not imported",
                )
        return kept

    def logo(self, logo: str) -> str:
        if not logo:
            return ""
        if not is_http_url(logo):
            self.warn(
                "logo",
                f"“{logo}” is a file of the repository; Grappe keeps only a logo's web address",
            )
            return ""
        return self.limited("logo", "logo_url", logo)


def _description(descriptions: dict[str, Any], language: str) -> str:
    """The description in a language (`fr`, else `fr-FR`, `fr-BE`...): the short description
    first, then the long one, unless the long one already starts with it."""
    tags = [tag for tag in descriptions if tag.split("-")[0].lower() == language]
    tags.sort(key=lambda tag: (tag.lower() != language, tag))
    if not tags:
        return ""
    entry = descriptions[tags[0]] or {}
    short = str(entry.get("shortDescription") or "").strip()
    long = str(entry.get("longDescription") or "").strip()
    if short and long and not long.startswith(short):
        return f"{short}\n\n{long}"
    return long or short


class _Matcher:
    """Turns file fields into Grappe YAML software records keyed by the slug they will have."""

    def __init__(self, notices: list[tuple[str, str]]):
        self.notices = notices
        software = Software.objects.prefetch_related("categories")
        self.by_slug = {s.slug: s for s in software}
        self.by_repository = {
            normalised_repository(s.repository_url): s
            for s in self.by_slug.values()
            if s.repository_url
        }
        self.category_slugs = set(Category.objects.values_list("slug", flat=True))
        self.claimed: dict[str, str] = {}  # slug -> location of the file that gave it
        self.repositories: dict[str, str] = {}  # normalised repository -> location, this import
        self.taken = set(self.by_slug)

    def record(self, location: str, fields: dict[str, Any]) -> Record | str:
        """The record to load, or why the file cannot be loaded."""
        repository = normalised_repository(fields.get("repository_url", ""))
        if repository in self.repositories:
            return f"describes the same software as {self.repositories[repository]}"
        instance, slug = self.match(fields)
        if slug in self.claimed:
            return f"describes the same software as {self.claimed[slug]}"
        self.claimed[slug] = location
        if repository:
            self.repositories[repository] = location
        categories = self.categories(fields.pop("categories", []), location)
        if instance is None:
            self.taken.add(slug)
            return Record(location, {"slug": slug, **fields, "categories": categories})
        merged: dict[str, Any] = {"slug": slug}
        for name in FILLED_WHEN_EMPTY:
            if fields.get(name) and not getattr(instance, name):
                merged[name] = fields[name]
        if fields.get("licence_raw") and not instance.licence_raw and not instance.licence:
            merged["licence_raw"] = fields["licence_raw"]
            if fields.get("licence"):
                merged["licence"] = fields["licence"]
        known = [c.slug for c in instance.categories.all()]
        merged["categories"] = known + [c for c in categories if c not in known]
        known_tags = {tag.casefold() for tag in instance.tags}
        tags = [t for t in fields.get("tags", []) if t.casefold() not in known_tags]
        merged["tags"] = instance.tags + tags
        return Record(location, merged)

    def match(self, fields: dict[str, Any]) -> tuple[Software | None, str]:
        """The directory entry this file describes, or None and the slug a new entry gets."""
        repository = normalised_repository(fields.get("repository_url", ""))
        if repository and repository in self.by_repository:
            instance = self.by_repository[repository]
            return instance, instance.slug
        base = slugify(fields.get("name", ""))[:100].strip("-") or "software"
        candidate = self.by_slug.get(base)
        if candidate is not None and (
            not candidate.repository_url
            or not repository
            or normalised_repository(candidate.repository_url) == repository
        ):
            return candidate, candidate.slug
        slug, counter = base, 2
        while slug in self.taken:
            slug = f"{base[:95]}-{counter}"
            counter += 1
        return None, slug

    def categories(self, categories: list[str], location: str) -> list[str]:
        """The directory's categories for the standard's: same slug, else the equivalent one."""
        slugs = []
        for category in categories:
            slug = category if category in self.category_slugs else GRAPPE_CATEGORIES.get(category)
            if slug in self.category_slugs:
                if slug not in slugs:
                    slugs.append(slug)
            else:
                self.notices.append(
                    (
                        f"{location}: categories",
                        f"“{category}” has no category in the directory; skipped",
                    )
                )
        return slugs


register_importer(PubliccodeImporter())
