"""publiccode.yml out: one file per software, written from what the directory knows.

A publiccode.yml is meant to be written by a software's own maintainers; Grappe writes one as a
third party, for catalogues and as a draft a member can complete and commit. The standard
requires values Grappe rarely knows (maintenance contacts, available languages...): such a value
is filled with a default that the file names in its header comment, so no reader takes it for a
fact. A software without a licence, without any web address, or maintained under a contract Grappe
knows nothing about is not exported; the zip's README.txt says which and why. See
docs/formats/publiccode.md for every field.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import yaml

from grappe.directory.models import Software
from grappe.interop.formats import register_exporter
from grappe.interop.formats.publiccode import (
    CATEGORIES,
    GRAPPE_CATEGORIES,
    LONG_DESCRIPTION_MAX,
    LONG_DESCRIPTION_MIN,
    SHORT_DESCRIPTION_MAX,
    graphemes,
)
from grappe.interop.progress import progress

# The version the files declare: every key written exists since 0.4, which every reader of the
# standard in use knows (the latest, "0", is unknown to parsers older than 2024).
PUBLICCODE_VERSION = "0.4"
UNKNOWN_CONTACT = "Unknown (no maintainer recorded in Grappe)"
UNKNOWN_PLATFORM = "unknown"
# Grappe's category slug -> the standard's category: the table of equivalents read backwards,
# first line first, plus the categories whose slug is the same in both.
STANDARD_CATEGORIES: dict[str, str] = {}
for _standard, _grappe in GRAPPE_CATEGORIES.items():
    STANDARD_CATEGORIES.setdefault(_grappe, _standard)
# The facts that complete a description shorter than the standard's 150 characters.
FACTS = {
    "fr": {
        "licence": "{name} est un logiciel libre sous licence {licence}.",
        "source": "Code source : {url}.",
        "website": "Site web : {website}.",
        "platforms": "Plateformes : {platforms}.",
        "sill": "Il figure au Socle interministériel de logiciels libres (SILL) de l'État.",
    },
    "en": {
        "licence": "{name} is free software under the {licence} licence.",
        "source": "Source code: {url}.",
        "website": "Website: {website}.",
        "platforms": "Platforms: {platforms}.",
        "sill": "It is on the French State's recommended free software list (SILL).",
    },
}
PLATFORM_NAMES = {
    "web": "web",
    "linux": "Linux",
    "windows": "Windows",
    "mac": "macOS",
    "android": "Android",
    "ios": "iOS",
}


class NotExportable(Exception):
    """A software the standard cannot describe with what Grappe knows; the message says why."""


@dataclass
class PubliccodeDraft:
    tree: dict[str, Any]
    defaults: list[str] = field(default_factory=list)  # "key: value (why)", for the header


def software_publiccode(software: Software) -> bytes:
    """The publiccode.yml of a software, its defaults named in a header comment.

    Raises NotExportable when a value the standard requires cannot be given honestly.
    """
    draft = publiccode_draft(software)
    header = [f"# publiccode.yml of {software.name}, written by Grappe from its directory entry,"]
    header.append("# not by the project itself.")
    if draft.defaults:
        header.append("# Not known to Grappe; defaults to review before publishing:")
        header += [f"#   {default}" for default in draft.defaults]
    body = yaml.safe_dump(draft.tree, sort_keys=False, allow_unicode=True, width=100)
    return ("\n".join(header) + "\n\n" + body).encode()


def publiccode_draft(software: Software) -> PubliccodeDraft:
    """The publiccode.yml tree of a software, and the defaults it had to take."""
    draft = PubliccodeDraft(tree={})
    tree, defaults = draft.tree, draft.defaults
    if not software.licence:
        raise NotExportable("no SPDX licence: legal.license is required")
    url = software.repository_url
    if not url:
        if not software.website:
            raise NotExportable("no repository URL nor website: url is required")
        url = software.website
        defaults.append("url: the website (Grappe knows no source repository)")
    tree["publiccodeYmlVersion"] = PUBLICCODE_VERSION
    tree["name"] = software.name
    tree["url"] = url
    if software.website and software.website != url:
        tree["landingURL"] = software.website
    if software.latest_version:
        tree["softwareVersion"] = software.latest_version
    if software.release_date:
        tree["releaseDate"] = software.release_date.isoformat()
    if software.logo_url and _in_repository(software.logo_url, software.repository_url):
        tree["logo"] = software.logo_url
    tree["platforms"] = _platforms(software, defaults)
    categories = _categories(software)
    if categories:
        tree["categories"] = categories
    tree["developmentStatus"] = software.development_status or _default(
        defaults, "developmentStatus", "stable", software
    )
    if software.software_type:
        tree["softwareType"] = software.software_type
    else:
        tree["softwareType"] = "standalone/other"
        defaults.append("softwareType: standalone/other (type unknown)")
    tree["description"] = _descriptions(software, url, defaults)
    tree["legal"] = {"license": software.licence}
    tree["maintenance"] = _maintenance(software, defaults)
    languages = list(tree["description"])
    tree["localisation"] = {
        "localisationReady": len(languages) > 1,
        "availableLanguages": languages,
    }
    defaults.append(
        "localisation: the languages of the descriptions (the software's own are unknown)"
    )
    return draft


def _default(defaults: list[str], key: str, value: str, software: Software) -> str:
    why = "on the SILL, recommended for production use" if software.sill_id else "status unknown"
    defaults.append(f"{key}: {value} ({why})")
    return value


def _in_repository(address: str, repository: str) -> bool:
    """The standard wants a logo that is a file of the repository (a raw URL of it)."""
    if not repository:
        return False
    repository_path = urlsplit(repository).path.rstrip("/").removesuffix(".git")
    return bool(repository_path) and urlsplit(address).path.startswith(repository_path + "/")


def _platforms(software: Software, defaults: list[str]) -> list[str]:
    if software.platforms:
        return list(software.platforms)
    if software.software_type == "standalone/web":
        return ["web"]  # a web application is used in a browser
    defaults.append(f"platforms: {UNKNOWN_PLATFORM} (platforms not recorded)")
    return [UNKNOWN_PLATFORM]


def _categories(software: Software) -> list[str]:
    found = []
    for category in software.categories.all():
        for slug in (category.slug, category.parent.slug if category.parent else ""):
            standard = slug if slug in CATEGORIES else STANDARD_CATEGORIES.get(slug)
            if standard and standard not in found:
                found.append(standard)
                break
    return found


def _descriptions(software: Software, url: str, defaults: list[str]) -> dict[str, Any]:
    descriptions = {}
    for language in ("fr", "en"):
        text = getattr(software, f"description_{language}").strip()
        if not text:
            continue
        short = _short(text)
        long = text
        if graphemes(long) < LONG_DESCRIPTION_MIN:
            long = f"{text}\n\n{_facts(software, url, language)}"
            defaults.append(f"description.{language}.longDescription: completed with facts")
        if graphemes(long) < LONG_DESCRIPTION_MIN:
            continue
        if graphemes(long) > LONG_DESCRIPTION_MAX:
            long = _cut(long, LONG_DESCRIPTION_MAX)
        features = _features(software, language) or [short]
        descriptions[language] = {
            "shortDescription": short,
            "longDescription": long,
            "features": features,
        }
    if not descriptions:
        raise NotExportable(
            "no description of at least 150 characters, even completed with the directory's facts"
        )
    return descriptions


def _short(text: str) -> str:
    """The first paragraph, else its first sentence, else cut, to fit 150 characters."""
    paragraph = text.split("\n\n")[0].strip()
    if graphemes(paragraph) <= SHORT_DESCRIPTION_MAX:
        return paragraph
    sentence = re.split(r"(?<=[.!?])\s", paragraph)[0].strip()
    if graphemes(sentence) <= SHORT_DESCRIPTION_MAX:
        return sentence
    return _cut(paragraph, SHORT_DESCRIPTION_MAX)


def _cut(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a space, with an ellipsis."""
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    while graphemes(cut) > limit - 1:
        cut = cut[:-1]
    return cut.rstrip(" ,;:") + "…"


def _facts(software: Software, url: str, language: str) -> str:
    sentences = FACTS[language]
    facts = [sentences["licence"].format(name=software.name, licence=software.licence)]
    if software.repository_url:
        facts.append(sentences["source"].format(url=software.repository_url))
    if software.website and software.website != software.repository_url:
        facts.append(sentences["website"].format(website=software.website))
    if software.platforms:
        names = ", ".join(PLATFORM_NAMES.get(p, p) for p in software.platforms)
        facts.append(sentences["platforms"].format(platforms=names))
    if software.sill_id:
        facts.append(sentences["sill"])
    return " ".join(facts)


def _features(software: Software, language: str) -> list[str]:
    """The directory's categories in that language: what the software is for."""
    other = "en" if language == "fr" else "fr"
    names = []
    for category in software.categories.all():
        name = getattr(category, f"name_{language}") or getattr(category, f"name_{other}")
        if name and name not in names:
            names.append(name)
    return names


def _maintenance(software: Software, defaults: list[str]) -> dict[str, Any]:
    kind = software.maintenance_type
    if kind == "contract":
        raise NotExportable(
            "maintained under contract: the standard requires the contractor and the contract's "
            "end date, which Grappe does not record"
        )
    if kind == "none":
        return {"type": "none"}
    if not kind:
        kind = "community"
        defaults.append("maintenance.type: community (maintenance unknown)")
    defaults.append(f"maintenance.contacts: “{UNKNOWN_CONTACT}” (the standard requires a person)")
    return {"type": kind, "contacts": [{"name": UNKNOWN_CONTACT}]}


class PubliccodeExporter:
    name = "publiccode"
    description = "a zip of one publiccode.yml per software (drafts: defaults named in each file)"

    def render(self) -> tuple[str, str, bytes]:
        buffer = io.BytesIO()
        exported: list[str] = []
        skipped: list[str] = []
        software = Software.objects.prefetch_related("categories__parent").order_by("slug")
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for entry in progress(software, "publiccode.yml", total=software.count()):
                try:
                    content = software_publiccode(entry)
                except NotExportable as reason:
                    skipped.append(f"  {entry.slug}: {reason}")
                    continue
                archive.writestr(f"{entry.slug}/publiccode.yml", content)
                exported.append(entry.slug)
            archive.writestr("README.txt", _readme(exported, skipped))
        return "grappe-publiccode.zip", "application/zip", buffer.getvalue()


def _readme(exported: list[str], skipped: list[str]) -> str:
    lines = [
        "publiccode.yml files written by Grappe, one folder per software (its slug).",
        "Each file names, in its header comment, the values Grappe does not know and filled with",
        "a default: review them before publishing a file in a repository.",
        "",
        f"{len(exported)} software exported, {len(skipped)} not exported.",
    ]
    if skipped:
        lines += ["", "Not exported, and why:", *skipped]
    return "\n".join(lines) + "\n"


register_exporter(PubliccodeExporter())
