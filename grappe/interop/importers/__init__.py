"""Importers: a parser from `formats/` wired to a loader, one module per source, each
registering itself by format name (`grappe import --list`)."""

from grappe.interop.importers import (  # noqa: F401 (each module registers its importers)
    codegouv,
    csv_tables,
    dump,
    fablabs,
    grappe_yaml,
    places,
    publiccode,
    sill,
    trainings,
)
from grappe.interop.importers.demo import load_demo
from grappe.interop.importers.sill import SillImporter

__all__ = ["SillImporter", "load_demo"]
