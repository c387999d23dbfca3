"""Grappe: the information system of a regional open-source business cluster."""
