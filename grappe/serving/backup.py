"""Backing up the whole database and restoring it: `grappe backup PATH`, `grappe restore PATH`.

A backup is the database itself, everything in it: the directory, the gazetteer, accounts,
proposals, the history of every entry and the search index (FTS5 tables on SQLite, the
tsvector column and term table on PostgreSQL: it comes back with the data).

- SQLite: SQLite's online backup API, read through Django's own connection, so the copy is one
  consistent state even while the site runs and writes (WAL: writers are not held up). The
  result is a plain SQLite file in rollback-journal mode, readable with any sqlite3 tool.
  Restoring copies it into the live database with the same API, in one step: other processes
  see the old data or the new, never a mix.
- PostgreSQL: pg_dump's custom format (all of it in one snapshot, the one the counts are read
  from) and pg_restore in one transaction: a failure changes nothing.

Both write to a temporary file beside PATH and rename it at the end, so PATH is never a
half-written backup. A restore checks the file first (its engine, that it is a Grappe database,
that its schema is not newer than the code) and reports the migrations it lacks. Afterwards the
page cache starts a new generation, so that no page of the replaced data is served.
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grappe.directory import models as directory
from grappe.search.backends import get_backend
from grappe.serving.caching import bump

SQLITE_HEADER = b"SQLite format 3\x00"
PGDUMP_HEADER = b"PGDMP"
ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CLIENT_PACKAGE = "postgresql-client"
MIGRATIONS_TABLE = "django_migrations"
# libpq options a DATABASE_URL may carry (?sslmode=require ...), passed on to pg_dump and
# pg_restore as the environment variables libpq reads.
LIBPQ_ENVIRONMENT = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
}


class BackupError(Exception):
    """An expected failure, with a message for the person at the terminal."""


@dataclass(frozen=True)
class Counts:
    """What a database holds, to say what a backup or a restore carried (None: no such table)."""

    organisations: int | None
    software: int | None


def describe(counts: Counts) -> str:
    """What the counts say ("12 organisations, 3 software"), for the commands' messages."""
    parts = []
    if counts.organisations is not None:
        parts.append(
            ngettext("%(count)d organisation", "%(count)d organisations", counts.organisations)
            % {"count": counts.organisations}
        )
    if counts.software is not None:
        parts.append(
            ngettext("%(count)d software", "%(count)d software", counts.software)
            % {"count": counts.software}
        )
    return ", ".join(parts) or _("no directory tables")


@dataclass(frozen=True)
class Written:
    path: Path
    engine: str
    size: int
    counts: Counts


@dataclass(frozen=True)
class Inspected:
    """A backup file found fit to restore into this instance."""

    path: Path
    engine: str
    counts: Counts
    # The code's migrations the backup lacks ("app.name"): run `grappe migrate` after.
    missing_migrations: list[str] = field(default_factory=list)
    # Tables of the archive (PostgreSQL), to find the live tables it does not replace.
    tables: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Restored:
    inspected: Inspected
    counts: Counts
    # Live tables the backup did not have (made by newer migrations), dropped after the
    # restore so that `grappe migrate` can create them again (PostgreSQL).
    dropped_tables: list[str] = field(default_factory=list)


def _connection():
    return connections[DEFAULT_DB_ALIAS]


def current_engine() -> str:
    vendor = _connection().vendor
    if vendor not in ENGINES:
        raise BackupError(
            _("Backups are made for SQLite and PostgreSQL; this database is %(vendor)s.")
            % {"vendor": vendor}
        )
    return vendor


def database_label() -> str:
    """The live database, as the person who configured it knows it (never the password)."""
    params = _connection().settings_dict
    if current_engine() == "sqlite":
        return str(params["NAME"])
    host = params.get("HOST") or "localhost"
    port = f":{params['PORT']}" if params.get("PORT") else ""
    return f"{params['NAME']} ({host}{port})"


# Backing up -----------------------------------------------------------------------------------


def backup(path: Path, *, force: bool = False) -> Written:
    """Write a backup of the whole database to PATH, refusing to replace a file unless forced."""
    engine = current_engine()
    path = Path(path).expanduser().absolute()
    _check_target(path, force=force)
    with _temporary_beside(path) as temporary:
        counts = {"sqlite": _sqlite_backup, "postgresql": _postgres_backup}[engine](temporary)
        _put_in_place(temporary, path, force=force)
    return Written(path=path, engine=engine, size=path.stat().st_size, counts=counts)


def _check_target(path: Path, *, force: bool) -> None:
    if path.is_dir():
        raise BackupError(_("%(path)s is a folder: give the path of a file.") % {"path": path})
    if not path.parent.is_dir():
        raise BackupError(_("The folder %(folder)s does not exist.") % {"folder": path.parent})
    if _is_live_database(path):
        raise BackupError(
            _("%(path)s is the live database: write the backup to another file.") % {"path": path}
        )
    if path.exists() and not force:
        raise BackupError(
            _("%(path)s already exists: give another path, or add --force to replace it.")
            % {"path": path}
        )


def _is_live_database(path: Path) -> bool:
    if current_engine() != "sqlite":
        return False
    name = str(_connection().settings_dict["NAME"])
    if name.startswith("file:") or name == ":memory:":
        return False  # an in-memory database has no file
    live = Path(name).expanduser().resolve()
    path = path.resolve()
    return any(path == Path(f"{live}{suffix}") for suffix in ("", "-wal", "-shm", "-journal"))


@contextmanager
def _temporary_beside(path: Path) -> Iterator[Path]:
    """A new file in PATH's folder (so that renaming it is atomic), removed if still there."""
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(handle)
    temporary = Path(name)  # mkstemp made it readable by its owner only: a backup holds accounts
    try:
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)


def _put_in_place(temporary: Path, path: Path, *, force: bool) -> None:
    with open(temporary, "rb") as written:
        os.fsync(written.fileno())
    if force:
        os.replace(temporary, path)
    else:
        try:
            os.link(temporary, path)  # never replaces a file that appeared meanwhile
        except FileExistsError:
            _check_target(path, force=False)
        except OSError:  # a file system without hard links
            _check_target(path, force=False)
            os.replace(temporary, path)
    try:
        folder = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(folder)
    except OSError:
        pass
    finally:
        os.close(folder)


def _sqlite_backup(temporary: Path) -> Counts:
    live = _connection()
    live.ensure_connection()
    target = sqlite3.connect(temporary)
    try:
        live.connection.backup(target)
        # One self-contained file: no -wal beside it to forget when copying the backup away.
        target.execute("PRAGMA journal_mode=DELETE")
        return _sqlite_counts(target)
    except sqlite3.Error as error:
        raise BackupError(_("The backup failed: %(error)s") % {"error": error}) from error
    finally:
        target.close()


def _postgres_backup(temporary: Path) -> Counts:
    """pg_dump in the snapshot the counts are read from, so that they describe the backup."""
    live = _connection()
    command = [
        _client("pg_dump"),
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--file={temporary}",
    ]
    name = str(live.settings_dict["NAME"])
    failed = _("The backup failed")
    if live.in_atomic_block:  # the caller's transaction: its snapshot cannot be shared
        counts = live_counts()
        _run([*command, name], server=True, failed=failed)
        return counts
    with transaction.atomic(using=DEFAULT_DB_ALIAS):
        with live.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
        counts = live_counts()
        _run([*command, f"--snapshot={snapshot}", name], server=True, failed=failed)
    return counts


# Inspecting a backup before restoring it ------------------------------------------------------


def inspect(path: Path) -> Inspected:
    """Check that PATH is a backup this instance can restore, and say what it holds."""
    engine = current_engine()
    path = Path(path).expanduser().absolute()
    if not path.is_file():
        raise BackupError(_("%(path)s is not a file.") % {"path": path})
    if _is_live_database(path):
        raise BackupError(_("%(path)s is the live database itself.") % {"path": path})
    found = _engine_of(path)
    if found is None:
        raise BackupError(
            _(
                "%(path)s is not a backup made by grappe backup (neither an SQLite database nor "
                "a pg_dump archive in the custom format)."
            )
            % {"path": path}
        )
    if found != engine:
        raise BackupError(
            _(
                "%(path)s is a backup of a %(found)s database, and this instance runs on "
                "%(engine)s: restoring across database engines is not supported. To move the "
                "directory, use grappe export dump on the old instance and grappe import dump "
                "on this one."
            )
            % {"path": path, "found": ENGINES[found], "engine": ENGINES[engine]}
        )
    if engine == "sqlite":
        counts, applied = _inspect_sqlite(path)
        tables: frozenset[str] = frozenset()
    else:
        counts, applied, tables = _inspect_postgres(path)
    newer, missing = compare_migrations(applied)
    if newer:
        raise BackupError(
            _(
                "%(path)s comes from a newer version of Grappe: this code does not know its "
                "migrations %(migrations)s. Restore it with that version of Grappe (or newer)."
            )
            % {"path": path, "migrations": ", ".join(newer)}
        )
    return Inspected(
        path=path, engine=engine, counts=counts, missing_migrations=missing, tables=tables
    )


def _engine_of(path: Path) -> str | None:
    with open(path, "rb") as file:
        start = file.read(len(SQLITE_HEADER))
    if start == SQLITE_HEADER:
        return "sqlite"
    if start.startswith(PGDUMP_HEADER):
        return "postgresql"
    return None


def _not_grappe(path: Path) -> BackupError:
    return BackupError(
        _("%(path)s is a database, but not Grappe's: it has no table %(table)s.")
        % {"path": path, "table": MIGRATIONS_TABLE}
    )


def _open_sqlite_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)


def _inspect_sqlite(path: Path) -> tuple[Counts, set[tuple[str, str]]]:
    try:
        source = _open_sqlite_read_only(path)
        try:
            problems = [row[0] for row in source.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(
                    _("%(path)s is damaged (integrity check: %(problems)s).")
                    % {"path": path, "problems": "; ".join(problems[:5])}
                )
            if not _sqlite_has_table(source, MIGRATIONS_TABLE):
                raise _not_grappe(path)
            applied = set(source.execute(f"SELECT app, name FROM {MIGRATIONS_TABLE}"))
            return _sqlite_counts(source), applied
        finally:
            source.close()
    except sqlite3.Error as error:
        raise BackupError(
            _("%(path)s cannot be read as an SQLite database: %(error)s")
            % {"path": path, "error": error}
        ) from error


def _sqlite_has_table(database: sqlite3.Connection, table: str) -> bool:
    query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return database.execute(query, (table,)).fetchone() is not None


def _sqlite_counts(database: sqlite3.Connection) -> Counts:
    def count(table: str) -> int | None:
        if not _sqlite_has_table(database, table):
            return None
        return database.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]

    return Counts(
        organisations=count(directory.Organisation._meta.db_table),
        software=count(directory.Software._meta.db_table),
    )


def _inspect_postgres(path: Path) -> tuple[Counts, set[tuple[str, str]], frozenset[str]]:
    listing = _run([_client("pg_restore"), "--list", str(path)], server=False, reading=path)
    tables = frozenset(
        words[5]  # "215; 1259 16390 TABLE public directory_organisation grappe"
        for line in listing.splitlines()
        if (words := line.split()) and len(words) > 5 and words[3] == "TABLE" and words[4] != "DATA"
    )
    if MIGRATIONS_TABLE not in tables:
        raise _not_grappe(path)
    wanted = (MIGRATIONS_TABLE, directory.Organisation._meta.db_table)
    wanted += (directory.Software._meta.db_table,)
    script = _run(
        [
            _client("pg_restore"),
            "--data-only",
            *(f"--table={table}" for table in wanted),
            "--file=-",
            str(path),
        ],
        server=False,
        reading=path,
    )
    rows = _copy_rows(script)
    applied = {
        (columns[1], columns[2]) for columns in rows.get(MIGRATIONS_TABLE, []) if len(columns) > 2
    }

    def count(table: str) -> int | None:
        return len(rows[table]) if table in tables else None

    counts = Counts(
        organisations=count(directory.Organisation._meta.db_table),
        software=count(directory.Software._meta.db_table),
    )
    return counts, applied, tables


def _copy_rows(script: str) -> dict[str, list[list[str]]]:
    """The rows of each COPY block of a pg_restore script, by table (columns split on tabs)."""
    rows: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for line in script.splitlines():
        if current is None:
            if line.startswith("COPY ") and line.endswith("FROM stdin;"):
                table = line.split()[1].split(".")[-1].strip('"')
                current = rows.setdefault(table, [])
        elif line == "\\.":
            current = None
        else:
            current.append(line.split("\t"))
    return rows


def compare_migrations(applied: set[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """(migrations of the backup this code does not know, migrations of the code the backup
    lacks), as "app.name". Only the apps this code has count: a row of an app removed since
    is harmless, as it is to Django."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces)
    newer = sorted(
        f"{app}.{name}"
        for app, name in applied
        if app in loader.migrated_apps and (app, name) not in known
    )
    missing = []
    for key, migration in loader.graph.nodes.items():
        replaced = migration.replaces
        if key not in applied and not (replaced and all(r in applied for r in replaced)):
            missing.append(f"{key[0]}.{key[1]}")
    return newer, sorted(missing)


# Restoring -------------------------------------------------------------------------------------


def restore(inspected: Inspected) -> Restored:
    """Replace the whole live database with the backup inspect() accepted."""
    if inspected.engine != current_engine():
        raise BackupError(_("This backup was inspected for another database engine."))
    if _connection().in_atomic_block:
        raise BackupError(_("A restore cannot run inside a transaction."))
    dropped: list[str] = []
    if inspected.engine == "sqlite":
        _sqlite_restore(inspected.path)
    else:
        dropped = _postgres_restore(inspected)
    ContentType.objects.clear_cache()  # its ids are the backup's now
    get_backend().forget_vocabulary()
    bump()  # no page of the replaced data may be served
    return Restored(inspected=inspected, counts=live_counts(), dropped_tables=dropped)


def _sqlite_restore(path: Path) -> None:
    live = _connection()
    live.ensure_connection()
    try:
        source = _open_sqlite_read_only(path)
        try:
            # One step: the live database changes all at once, under its write lock.
            source.backup(live.connection)
        finally:
            source.close()
    except sqlite3.Error as error:
        raise BackupError(
            _("The restore failed, and the database was left as it was: %(error)s")
            % {"error": error}
        ) from error


def _postgres_restore(inspected: Inspected) -> list[str]:
    live = _connection()
    command = [
        _client("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={live.settings_dict['NAME']}",
        str(inspected.path),
    ]
    # Tables of this code the backup does not have (made by migrations newer than it): pg_restore
    # leaves them, and `grappe migrate` could not create them again.
    leftovers = sorted(
        set(live.introspection.django_table_names(only_existing=True)) - inspected.tables
    )
    connections.close_all()  # nothing of ours holds a table pg_restore drops
    if leftovers:
        failed = _(
            "The restore failed, and nothing was changed. This database has tables the backup "
            "does not (%(tables)s): if they held it up, restore into a new, empty database"
        ) % {"tables": ", ".join(leftovers)}
    else:
        failed = _("The restore failed, and nothing was changed")
    _run(command, server=True, failed=failed)
    if leftovers:
        try:
            with transaction.atomic(using=DEFAULT_DB_ALIAS), live.cursor() as cursor:
                for table in leftovers:
                    cursor.execute(f"DROP TABLE IF EXISTS {live.ops.quote_name(table)} CASCADE")
        except DatabaseError as error:
            raise BackupError(
                _(
                    "The backup was restored, but the tables it did not have (%(tables)s) could "
                    "not be removed: %(error)s. Drop them by hand before grappe migrate."
                )
                % {"tables": ", ".join(leftovers), "error": error}
            ) from error
    return leftovers


def live_counts() -> Counts:
    live = _connection()
    existing = set(live.introspection.table_names())

    def count(table: str) -> int | None:
        if table not in existing:
            return None
        with live.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {live.ops.quote_name(table)}")
            return cursor.fetchone()[0]

    return Counts(
        organisations=count(directory.Organisation._meta.db_table),
        software=count(directory.Software._meta.db_table),
    )


# pg_dump and pg_restore -----------------------------------------------------------------------


def _client(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        raise BackupError(
            _(
                "%(program)s is not installed: install the %(package)s package "
                "(apt-get install %(package)s), in the version of the PostgreSQL server or newer."
            )
            % {"program": program, "package": CLIENT_PACKAGE}
        )
    return found


def _client_arguments() -> tuple[list[str], dict[str, str]]:
    """Where the database is, as arguments; the password in the environment only, never on a
    command line that `ps` shows to every user of the machine."""
    params = _connection().settings_dict
    arguments = ["--no-password"]  # fail rather than wait for a prompt nobody sees
    if params.get("HOST"):
        arguments.append(f"--host={params['HOST']}")
    if params.get("PORT"):
        arguments.append(f"--port={params['PORT']}")
    if params.get("USER"):
        arguments.append(f"--username={params['USER']}")
    environment = dict(os.environ)
    if params.get("PASSWORD"):
        environment["PGPASSWORD"] = str(params["PASSWORD"])
    for option, value in (params.get("OPTIONS") or {}).items():
        if option in LIBPQ_ENVIRONMENT and value is not None:
            environment[LIBPQ_ENVIRONMENT[option]] = str(value)
    return arguments, environment


def _run(command: list[str], *, server: bool, failed: str = "", reading: Path | None = None) -> str:
    """Run pg_dump or pg_restore; its last words in a BackupError if it fails. `server`: it
    connects to the live database (inspecting an archive does not)."""
    if server:
        arguments, environment = _client_arguments()
        command = [command[0], *arguments, *command[1:]]
    else:
        environment = dict(os.environ)
    done = subprocess.run(command, env=environment, capture_output=True, text=True)
    if done.returncode != 0:
        said = "\n".join(done.stderr.strip().splitlines()[-10:])
        if reading is not None:
            raise BackupError(
                _("%(path)s cannot be read as a pg_dump archive: %(error)s")
                % {"path": reading, "error": said}
            )
        raise BackupError(
            _("%(failed)s. %(program)s said:\n%(error)s")
            % {"failed": failed, "program": Path(command[0]).name, "error": said}
        )
    return done.stdout
