"""Importers: a parser from `formats/` wired to a loader, one module per source, each
registering itself by format name (`grappe import --list`)."""

from grappe.interop.importers import fablabs, grappe_yaml, places, sill  # noqa: F401 (register)
from grappe.interop.importers.demo import load_demo
from grappe.interop.importers.sill import SillImporter

__all__ = ["SillImporter", "load_demo"]
