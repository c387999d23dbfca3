"""Formats Grappe reads and writes, by name.

Each importer turns a file into an ImportReport (a pure parser plus a loader); each exporter
renders the directory as (filename, mimetype, bytes). `grappe import NAME PATH` and
`grappe export NAME` look them up here, and an unknown name fails with the list of known ones.
"""

from pathlib import Path
from typing import Protocol

from grappe.interop.report import ImportReport


class Importer(Protocol):
    name: str
    description: str

    def run(self, path: Path, *, dry_run: bool, partial: bool) -> ImportReport: ...


class Exporter(Protocol):
    name: str
    description: str

    def render(self) -> tuple[str, str, bytes]: ...


class UnknownFormat(LookupError):
    def __init__(self, kind: str, name: str, known: list[str]):
        self.kind, self.name, self.known = kind, name, known
        choices = ", ".join(sorted(known)) or "none yet"
        super().__init__(f"Unknown {kind} format “{name}”. Known formats: {choices}.")


IMPORTERS: dict[str, Importer] = {}
EXPORTERS: dict[str, Exporter] = {}


def register_importer(importer: Importer) -> Importer:
    IMPORTERS[importer.name] = importer
    return importer


def register_exporter(exporter: Exporter) -> Exporter:
    EXPORTERS[exporter.name] = exporter
    return exporter


def get_importer(name: str) -> Importer:
    if name not in IMPORTERS:
        raise UnknownFormat("import", name, list(IMPORTERS))
    return IMPORTERS[name]


def get_exporter(name: str) -> Exporter:
    if name not in EXPORTERS:
        raise UnknownFormat("export", name, list(EXPORTERS))
    return EXPORTERS[name]
