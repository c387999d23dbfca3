"""Grappe's own YAML format: the whole directory as readable, diffable text.

The demo data is written in it, curators can edit it by hand, and `grappe export grappe-yaml`
writes it back, so a round trip loses nothing. Keys are the model field names, relations are
given by slug; see docs/formats/grappe-yaml.md.

This module only parses: bytes in, records and errors out, no database.
"""

from dataclasses import dataclass, field
from typing import Any

import yaml

from grappe.interop.formats.trees import NoAliasSafeLoader

SECTIONS = (
    "categories",
    "certification_schemes",
    "software",
    "organisations",
    "people",
    "events",
)
# Lists nested under an organisation.
ORGANISATION_CHILDREN = ("offerings", "certifications", "software_relations", "references")


@dataclass
class Record:
    location: str  # "organisations[3]" in error messages
    data: dict[str, Any]


@dataclass
class DirectoryDocument:
    sections: dict[str, list[Record]] = field(
        default_factory=lambda: {name: [] for name in SECTIONS}
    )
    errors: list[tuple[str, str]] = field(default_factory=list)  # (location, reason)

    def extend(self, other: "DirectoryDocument") -> None:
        for name in SECTIONS:
            self.sections[name].extend(other.sections[name])
        self.errors.extend(other.errors)


def parse(content: bytes, source: str = "") -> DirectoryDocument:
    """Read one YAML document; every problem is reported with where it is, never raised."""
    document = DirectoryDocument()
    prefix = f"{source}: " if source else ""
    try:
        tree = yaml.load(content, Loader=NoAliasSafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        document.errors.append((f"{prefix}{where}", f"not valid YAML: {error.problem}"))
        return document
    except yaml.YAMLError as error:
        document.errors.append((f"{prefix}file", f"not valid YAML: {error}"))
        return document
    if tree is None:
        return document
    if not isinstance(tree, dict):
        document.errors.append((f"{prefix}file", "expected a mapping of sections at the top"))
        return document
    for name, items in tree.items():
        if name not in SECTIONS:
            document.errors.append(
                (f"{prefix}{name}", f"unknown section; expected one of {', '.join(SECTIONS)}")
            )
            continue
        if not isinstance(items, list):
            document.errors.append((f"{prefix}{name}", "expected a list of entries"))
            continue
        for index, item in enumerate(items):
            location = f"{prefix}{name}[{index}]"
            if not isinstance(item, dict):
                document.errors.append((location, "expected a mapping of fields"))
                continue
            document.sections[name].append(Record(location, item))
    return document


def dump(tree: dict[str, list[dict[str, Any]]]) -> bytes:
    return yaml.safe_dump(
        tree, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100
    ).encode()
