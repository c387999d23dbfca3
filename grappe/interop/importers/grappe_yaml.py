"""Grappe's own YAML format: a file, or a folder of .yaml files read as one document."""

from pathlib import Path

from grappe.interop.formats import register_importer
from grappe.interop.formats.grappe_yaml import DirectoryDocument
from grappe.interop.formats.grappe_yaml import parse as parse_grappe_yaml
from grappe.interop.loaders import load_directory
from grappe.interop.report import ImportReport


def read_grappe_yaml(paths: list[Path]) -> DirectoryDocument:
    """One document from several files, so that entries may refer to each other across files."""
    document = DirectoryDocument()
    for path in paths:
        document.extend(parse_grappe_yaml(path.read_bytes(), source=path.name))
    return document


class GrappeYamlImporter:
    name = "grappe-yaml"
    description = "Grappe's own YAML format (a file, or a folder of .yaml files)"

    def run(self, path: Path, *, dry_run: bool = False, partial: bool = False) -> ImportReport:
        paths = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        return load_directory(
            read_grappe_yaml(paths),
            source=str(path),
            dry_run=dry_run,
            partial=partial,
            comment=f"Import grappe-yaml: {path.name}",
        )


register_importer(GrappeYamlImporter())
