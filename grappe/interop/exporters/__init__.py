"""Exporters, one module per format, each registering itself by name (`grappe export --list`);
each renders (filename, mimetype, bytes)."""

from grappe.interop.exporters import (  # noqa: F401 (each module registers its exporters)
    csv_templates,
    dump,
    grappe_yaml,
    publiccode,
)
from grappe.interop.exporters.grappe_yaml import GrappeYamlExporter, directory_tree, entry_as_dict

__all__ = ["GrappeYamlExporter", "directory_tree", "entry_as_dict"]
