"""The SILL (Socle interministériel de logiciels libres): the free software the French State
recommends to its administrations, as the 2022 JSON export `sill.json` gives it.

The export is a list of entries with terse keys (`i` name, `l` licence, `c` component, ...);
see docs/formats/sill.md for every key and what becomes of it. The data is messy: licences as
people write them, URLs that are not URLs or not repositories, placeholder descriptions. A
problem in one field drops that field with a warning; only an entry without a name or SILL id,
or with the id of another entry, is rejected, so one bad cell never costs a whole entry.

This module only parses: bytes in, records, located errors and warnings out, no database.
"""

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.text import slugify

from grappe.directory.licences import normalise_licence
from grappe.interop.formats.grappe_yaml import Record
from grappe.interop.formats.trees import json_tree, unread

# What each key of the export holds (from the SILL's own build script). Keys outside this list
# are reported once per file, so that a new export with new keys does not go unnoticed.
KNOWN_KEYS = {
    "id": "SILL id",
    "i": "name",
    "l": "licence",
    "f": "function",
    "c": "component (a category)",
    "se": "sector",
    "fr-desc": "French description (from Wikidata)",
    "en-desc": "English description (from Wikidata)",
    "website": "website (from Wikidata)",
    "sources": "source code (from Wikidata)",
    "logo": "logo (from Wikimedia Commons)",
    "co": "Comptoir du Libre id",
    "p": "parent software, for an add-on",
    "si": "SILL ids of similar software",
    "frama": "Framalibre page",
    "doc": "documentation",
    "st": "status",
    "v-": "minimal recommended version",
    "v+": "maximal recommended version",
    "y": "years on the list",
    "g": "working group",
    "u": "context of use",
    "su": "covered by the interministerial support contract",
    "a": "made by the public sector",
    "la": "GouvTech catalogue page",
}
# Wikidata descriptions that say nothing; the SILL's own `f` (function) replaces them.
PLACEHOLDER_DESCRIPTIONS = {"logiciel", "logiciel informatique", "projet informatique"}
# Forges where a repository is /owner/name: deeper paths (/releases, /tree/main) are cut off.
OWNER_NAME_FORGES = {"github.com", "codeberg.org", "bitbucket.org", "framagit.org"}
FORGE_HOSTS = OWNER_NAME_FORGES | {"gitlab.com", "sourceforge.net", "salsa.debian.org"}
FORGE_HOST_PREFIXES = ("git.", "gitlab.", "gitbox.", "gitea.", "svn.", "hg.", "gerrit.", "forge.")
FORGE_HOST_SUFFIXES = (".googlesource.com",)
FORGE_PATH_HINTS = re.compile(r"\.git\b|/(svn|git|gitea|repos|cgit|gitweb|hg)(/|$)")
# Model limits, checked here so that a long URL is a dropped field, not a rejected entry.
MAX_LENGTHS = {
    "website": 300,
    "repository_url": 300,
    "logo_url": 500,
    "comptoir_id": 20,
    "licence_raw": 200,
}

_url_validator = URLValidator(schemes=["http", "https"])


@dataclass
class SillDocument:
    """What the file says, in the directory's field names.

    A software record holds Software fields (categories as slugs), only those with a value,
    plus two keys that are not fields: `similar_sill_ids` (SILL ids of other entries of the
    file) and `parent` (the software an add-on extends).
    """

    categories: list[Record] = field(default_factory=list)  # slug and name_fr, one per slug
    software: list[Record] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (location, reason): rejected
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (location, what was dropped)


def parse(content: bytes, source: str = "sill.json") -> SillDocument:
    """Read a SILL export; every problem is reported with where it is, never raised."""
    document = SillDocument()
    tree = json_tree(content, source, document.errors)
    if unread(tree):
        return document
    if not isinstance(tree, list):
        document.errors.append(
            (
                source,
                f"expected a list of SILL entries at the top, found {_json_kind(tree)}: this "
                "reader knows the 2022 export (sill.json, entries with the keys id, i, l, ...)",
            )
        )
        return document
    _Parser(document, source).run(tree)
    return document


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    kinds = {dict: "an object", list: "a list", str: "a string", int: "a number", float: "a number"}
    return kinds.get(type(value), "null")


def entry_location(source: str, number: int, name: str = "") -> str:
    """`sill.json: entry 12 (“Ansible”)`: entries are counted from 1, in file order."""
    return f"{source}: entry {number}" + (f" (“{name}”)" if name else "")


class _Parser:
    def __init__(self, document: SillDocument, source: str):
        self.document = document
        self.source = source
        self.locations_by_id: dict[str, str] = {}
        self.categories: dict[str, Record] = {}
        self.tag_spellings: dict[str, str] = {}  # casefolded -> first spelling met
        self.similar: list[tuple[Record, list[str]]] = []

    def run(self, tree: list[Any]) -> None:
        unknown: set[str] = set()
        for number, entry in enumerate(tree, start=1):
            if not isinstance(entry, dict):
                location = entry_location(self.source, number)
                self.document.errors.append((location, "expected an object with SILL keys"))
                continue
            unknown.update(key for key in entry if key not in KNOWN_KEYS)
            self.entry(number, entry)
        self.document.categories = list(self.categories.values())
        self.resolve_similar()
        if unknown:
            keys = ", ".join(sorted(unknown))
            self.warn(self.source, f"keys not read (unknown to this reader): {keys}")

    def entry(self, number: int, entry: dict[str, Any]) -> None:
        name = self.text(entry, "i", entry_location(self.source, number))
        location = entry_location(self.source, number, name)
        sill_id = self.text(entry, "id", location)
        if not name:
            self.document.errors.append((location, "no name (key “i”)"))
            return
        if not sill_id:
            self.document.errors.append((location, "no SILL id (key “id”)"))
            return
        if sill_id in self.locations_by_id:
            first = self.locations_by_id[sill_id]
            self.document.errors.append((location, f"SILL id {sill_id} already used by {first}"))
            return
        self.locations_by_id[sill_id] = location

        data: dict[str, Any] = {"name": name, "sill_id": sill_id}
        function = self.text(entry, "f", location)
        description_fr = self.text(entry, "fr-desc", location)
        if description_fr.casefold() in PLACEHOLDER_DESCRIPTIONS:
            description_fr = ""
        data["description_fr"] = description_fr or function
        data["description_en"] = self.text(entry, "en-desc", location)
        self.licence(entry, location, data)
        data["website"] = self.url(entry, "website", "website", location)
        data["repository_url"] = self.repository(entry, location)
        data["logo_url"] = self.url(entry, "logo", "logo_url", location)
        data["comptoir_id"] = self.comptoir_id(entry, location)
        parent = self.text(entry, "p", location)
        if parent:
            data["software_type"] = "addon"
            data["parent"] = parent  # not a field: tells apart add-ons of the same name
        data["categories"] = self.category(entry, location)
        data["tags"] = self.tags(entry, location)
        record = Record(location, {key: value for key, value in data.items() if value})
        self.document.software.append(record)
        similar = self.text(entry, "si", location)
        if similar:
            self.similar.append((record, [part.strip() for part in re.split(r"[;,]", similar)]))

    def warn(self, location: str, message: str) -> None:
        self.document.warnings.append((location, message))

    def text(self, entry: dict[str, Any], key: str, location: str) -> str:
        """The stripped text of a key; numbers are read as text, anything else is dropped."""
        value = entry.get(key)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.warn(location, f"{key}: expected text, found {_json_kind(value)}; ignored")
            return ""
        return str(value).strip()

    def licence(self, entry: dict[str, Any], location: str, data: dict[str, Any]) -> None:
        """The licence as written, and its SPDX expression when it has one."""
        raw = self.text(entry, "l", location)
        if not raw:
            self.warn(location, "l: no licence given")
            return
        if len(raw) > MAX_LENGTHS["licence_raw"]:
            self.warn(location, f"l: longer than {MAX_LENGTHS['licence_raw']} characters; ignored")
            return
        normalised = normalise_licence(raw)
        data["licence_raw"] = raw
        data["licence"] = normalised.spdx or ""
        if normalised.spdx is None:
            self.warn(
                location,
                f"l: licence “{raw}” is not an SPDX expression ({normalised.problem}); "
                "kept as written, SPDX licence left empty",
            )

    def url(self, entry: dict[str, Any], key: str, field_name: str, location: str) -> str:
        value = self.text(entry, key, location)
        if not value:
            return ""
        try:
            _url_validator(value)
        except ValidationError:
            self.warn(location, f"{key}: “{value}” is not a web address (http or https); ignored")
            return ""
        if len(value) > MAX_LENGTHS[field_name]:
            self.warn(location, f"{key}: longer than {MAX_LENGTHS[field_name]} characters; ignored")
            return ""
        return value

    def repository(self, entry: dict[str, Any], location: str) -> str:
        """The `sources` URL when it points at a forge or a version-control server."""
        value = self.url(entry, "sources", "repository_url", location)
        if not value:
            return ""
        parts = urlsplit(value)
        host = (parts.hostname or "").lower()
        segments = [s for s in parts.path.split("/") if s]
        if host in OWNER_NAME_FORGES:
            if len(segments) < 2:
                self.warn(location, f"sources: “{value}” is an account, not a repository; ignored")
                return ""
            return urlunsplit((parts.scheme, parts.netloc, "/".join(["", *segments[:2]]), "", ""))
        if host == "sourceforge.net" and segments[:1] == ["projects"] and len(segments) > 2:
            path = "/".join(["", *segments[:2], ""])  # the project, not its downloads page
            return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
        looks_like_a_forge = (
            host in FORGE_HOSTS
            or host.startswith(FORGE_HOST_PREFIXES)
            or host.endswith(FORGE_HOST_SUFFIXES)
            or FORGE_PATH_HINTS.search(f"{parts.path}?{parts.query}")
        )
        if not looks_like_a_forge:
            self.warn(location, f"sources: “{value}” does not look like a repository; ignored")
            return ""
        return value

    def comptoir_id(self, entry: dict[str, Any], location: str) -> str:
        value = self.text(entry, "co", location)
        if value and (not value.isdigit() or len(value) > MAX_LENGTHS["comptoir_id"]):
            self.warn(location, f"co: “{value}” is not a Comptoir du Libre id (a number); ignored")
            return ""
        return value

    def category(self, entry: dict[str, Any], location: str) -> list[str]:
        """The component `c` as a category, created once per slug (first spelling wins)."""
        name = self.text(entry, "c", location)
        if not name:
            return []
        slug = slugify(name)[:80].strip("-")
        if not slug:
            self.warn(location, f"c: “{name}” gives no usable category slug; ignored")
            return []
        if len(name) > 120:
            self.warn(location, "c: category name longer than 120 characters; ignored")
            return []
        if slug not in self.categories:
            self.categories[slug] = Record(f"{location}: c", {"slug": slug, "name_fr": name})
        return [slug]

    def tags(self, entry: dict[str, Any], location: str) -> list[str]:
        """The sector `se` as a tag, spelled as its first occurrence (the export mixes cases)."""
        sector = self.text(entry, "se", location)
        if not sector:
            return []
        return [self.tag_spellings.setdefault(sector.casefold(), sector)]

    def resolve_similar(self) -> None:
        """Keep the ids of `si` that name another entry of the file; warn about the rest."""
        for record, parts in self.similar:
            own_id = record.data["sill_id"]
            found = []
            for part in filter(None, parts):
                if not part.isdigit():
                    self.warn(record.location, f"si: “{part}” is not a SILL id; ignored")
                elif part not in self.locations_by_id:
                    self.warn(record.location, f"si: no entry has the SILL id {part}; ignored")
                elif part != own_id and part not in found:
                    found.append(part)
            if found:
                record.data["similar_sill_ids"] = found
