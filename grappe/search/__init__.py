"""One search interface over the directory, with an SQLite FTS5 and a PostgreSQL backend."""
