"""Importers and exporters: open formats in and out of the directory."""
