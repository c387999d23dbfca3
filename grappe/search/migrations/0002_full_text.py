"""The full-text structures, which differ by database engine."""

from django.db import migrations

from grappe.search.documents import FIELDS

SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    + ", ".join(FIELDS)
    # Facet values as opaque tokens, so that filters run inside the full-text index.
    + ", facets"
    + ", tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE search_fts_vocab USING fts5vocab(search_fts, 'row')",
]
SQLITE_REVERSE = ["DROP TABLE search_fts_vocab", "DROP TABLE search_fts"]

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # French stemming after unaccent, as the Snowball stemmer of the SQLite backend does it.
    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'grappe_french') "
    "THEN CREATE TEXT SEARCH CONFIGURATION grappe_french (COPY = french); "
    "ALTER TEXT SEARCH CONFIGURATION grappe_french ALTER MAPPING FOR hword, hword_part, word "
    "WITH unaccent, french_stem; END IF; END $$",
    "ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector",
    "CREATE INDEX search_document_vector ON search_searchdocument USING gin (search_vector)",
    # Every lexeme of the index, for prefix completion and typo correction (pg_trgm).
    "CREATE TABLE search_term (term text PRIMARY KEY)",
    "CREATE INDEX search_term_trigram ON search_term USING gin (term gin_trgm_ops)",
]
POSTGRES_REVERSE = [
    "DROP TABLE search_term",
    "DROP INDEX search_document_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN search_vector",
]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor)
    for statement in statements or []:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}.get(
        schema_editor.connection.vendor
    )
    for statement in statements or []:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
