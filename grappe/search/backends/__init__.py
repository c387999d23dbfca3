"""Search backends, chosen by the database engine: the full-text part of the index and the
vocabulary lookups the query parser needs. Everything else (filters, facets, sorting) is plain
SQL over the search tables, shared by both."""

from functools import cache

from django.db import connection

from grappe.search.backends.base import Backend


@cache
def _backend_for(vendor: str) -> Backend:
    if vendor == "sqlite":
        from grappe.search.backends.sqlite_fts5 import SqliteFts5Backend

        return SqliteFts5Backend()
    if vendor == "postgresql":
        from grappe.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    raise LookupError(f"No search backend for the {vendor} database engine.")


def get_backend() -> Backend:
    return _backend_for(connection.vendor)
