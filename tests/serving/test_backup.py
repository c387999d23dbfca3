"""`grappe backup PATH` and `grappe restore PATH`, on the engine the suite runs on: what was
backed up comes back exactly, history and search index included; a file that is not a
backup of this instance is refused and changes nothing.

A restore replaces whole tables, which cannot happen inside a test's transaction: these tests
commit, and the tables are emptied after each one."""

import sqlite3
from io import StringIO
from pathlib import Path

import pytest
import reversion
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone, translation
from reversion.models import Version

from grappe.directory import models as m
from grappe.search import service
from grappe.search.backends import get_backend
from grappe.search.query import SearchParams
from grappe.serving import caching
from grappe.serving.backup import PGDUMP_HEADER, SQLITE_HEADER
from tests.factories import OrganisationFactory, SoftwareFactory

pytestmark = pytest.mark.django_db(transaction=True)

on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="crafts an SQLite backup file by hand"
)
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump/pg_restore")


@pytest.fixture(autouse=True)
def empty_search_index():
    """The full-text structures outside Django's models (FTS5 tables, PostgreSQL's term
    table) are not emptied with the tables after the test: they are here."""
    yield
    get_backend().clear()
    get_backend().forget_vocabulary()


def backup(path: Path, *options: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("backup", str(path), *options, stdout=out)
    return out.getvalue()


def restore(path: Path, *options: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("restore", str(path), *options, stdout=out)
    return out.getvalue()


def refused(command, path: Path, *options: str) -> str:
    with translation.override("en"), pytest.raises(CommandError) as error:
        command(path, *options)
    return str(error.value)


def state() -> dict:
    """What a person would check after a restore: every name, and the history."""
    return {
        "organisations": sorted(m.Organisation.objects.values_list("pk", "name", "slug")),
        "software": sorted(m.Software.objects.values_list("pk", "name", "licence")),
        "versions": sorted(
            Version.objects.values_list("object_id", "revision__comment", "serialized_data")
        ),
    }


def found(query: str) -> list[str]:
    return [hit.name for hit in service.search(SearchParams(q=query)).hits]


@pytest.fixture
def directory() -> dict[str, m.Organisation]:
    """Three organisations, one with two versions in its history, and two software."""
    with reversion.create_revision():
        nuage = OrganisationFactory(name="Nuage Girondin", slug="nuage-girondin")
        reversion.set_comment("Created")
    with reversion.create_revision():
        nuage.description_fr = "Hébergement Nextcloud à Bordeaux"
        nuage.save()
        reversion.set_comment("Summary added")
    landes = OrganisationFactory(name="Logiciels des Landes", slug="logiciels-des-landes")
    OrganisationFactory(name="Atelier Basque", slug="atelier-basque")
    SoftwareFactory(name="Nextcloud", slug="nextcloud")
    SoftwareFactory(name="GLPI", slug="glpi")
    return {"nuage": nuage, "landes": landes}


def change_everything(directory: dict[str, m.Organisation]) -> None:
    with reversion.create_revision():
        directory["nuage"].name = "Nuage Renommé"
        directory["nuage"].save()
        reversion.set_comment("Renamed")
    directory["landes"].delete()
    m.Software.objects.filter(name="GLPI").delete()
    OrganisationFactory(name="Arrivée Après", slug="arrivee-apres")


def test_a_restore_gives_back_exactly_what_was_backed_up(directory, tmp_path, page_cache):
    folder = tmp_path / "backups"
    folder.mkdir()
    path = folder / "grappe.backup"
    before = state()
    assert len(before["versions"]) == 2

    said = backup(path)
    assert f"Wrote {path}" in said
    assert "3 organisations, 2 software" in said
    assert path.stat().st_size > 0
    assert path.stat().st_mode & 0o077 == 0  # accounts are in it: for its owner only
    assert [p.name for p in folder.iterdir()] == ["grappe.backup"]  # no temporary file left

    change_everything(directory)
    assert state() != before
    assert found("Renommé") == ["Nuage Renommé"]
    generation = caching.generation()

    said = restore(path, "--yes")
    assert "3 organisations, 2 software" in said
    assert "grappe migrate" not in said
    assert state() == before
    nuage = m.Organisation.objects.get(slug="nuage-girondin")
    history = Version.objects.get_for_object(nuage)
    assert [v.revision.comment for v in history] == ["Summary added", "Created"]
    assert history[1].field_dict["name"] == "Nuage Girondin"
    assert history[0].field_dict["description_fr"] == "Hébergement Nextcloud à Bordeaux"
    # The search index came back with the data, and no page of the replaced data is served.
    assert found("Nuage") == ["Nuage Girondin"]
    assert found("Renommé") == []
    assert found("Landes") == ["Logiciels des Landes"]
    assert caching.generation() != generation
    # The instance goes on: new entries get new ids.
    assert OrganisationFactory().pk > max(pk for pk, _n, _s in before["organisations"])


def test_an_existing_file_is_kept_unless_forced(directory, tmp_path):
    path = tmp_path / "grappe.backup"
    path.write_text("an earlier backup")

    message = refused(backup, path)
    assert str(path) in message and "--force" in message
    assert path.read_text() == "an earlier backup"
    assert [p.name for p in tmp_path.iterdir()] == ["grappe.backup"]

    assert "3 organisations" in backup(path, "--force")
    assert path.read_bytes().startswith((SQLITE_HEADER, PGDUMP_HEADER))


def test_a_backup_into_a_missing_folder_is_refused(directory, tmp_path):
    message = refused(backup, tmp_path / "nowhere" / "grappe.backup")
    assert str(tmp_path / "nowhere") in message


def test_a_file_that_is_not_a_backup_is_refused_and_changes_nothing(directory, tmp_path):
    before = state()
    text = tmp_path / "notes.txt"
    text.write_text("SQLite is not in this file\n")
    message = refused(restore, text, "--yes")
    assert str(text) in message and "grappe backup" in message
    assert refused(restore, tmp_path / "missing.backup", "--yes")
    assert state() == before


def test_a_backup_of_the_other_engine_is_refused(directory, tmp_path):
    other = tmp_path / "other.backup"
    if connection.vendor == "sqlite":
        other.write_bytes(PGDUMP_HEADER + b"\x01\x0e\x00" + b"\x00" * 64)
    else:
        database = sqlite3.connect(other)
        database.execute("CREATE TABLE django_migrations (id integer, app text, name text)")
        database.commit()
        database.close()
    before = state()
    message = refused(restore, other, "--yes")
    assert "not supported" in message and "grappe export dump" in message
    assert state() == before


def test_without_yes_and_without_a_terminal_nothing_is_restored(directory, tmp_path):
    path = tmp_path / "grappe.backup"
    backup(path)
    change_everything(directory)
    after_the_change = state()
    message = refused(restore, path)
    assert "--yes" in message
    assert state() == after_the_change


class Terminal(StringIO):
    """Someone at a terminal, whose answers are these lines."""

    def isatty(self) -> bool:
        return True


def test_at_a_terminal_the_restore_asks_first(directory, tmp_path, monkeypatch, capsys):
    path = tmp_path / "grappe.backup"
    backup(path)
    before = state()
    change_everything(directory)
    after_the_change = state()

    monkeypatch.setattr("sys.stdin", Terminal("no\n"))
    refused(restore, path)
    assert "This replaces every entry of the database" in capsys.readouterr().out
    assert state() == after_the_change

    monkeypatch.setattr("sys.stdin", Terminal("yes\n"))
    assert "3 organisations" in restore(path)
    assert state() == before


@on_sqlite
def test_an_sqlite_database_that_is_not_grappes_is_refused(directory, tmp_path):
    other = tmp_path / "other.sqlite3"
    database = sqlite3.connect(other)
    database.execute("CREATE TABLE notes (text)")
    database.commit()
    database.close()
    message = refused(restore, other, "--yes")
    assert "django_migrations" in message


def damage(path: Path) -> None:
    """What a disk or a copy can do to a file. SQLite: pages of tables overwritten, which the
    integrity check finds. pg_dump's archive: its end cut off, in the data of the last table,
    which pg_restore only finds halfway through the restore."""
    content = bytearray(path.read_bytes())
    if content.startswith(SQLITE_HEADER):
        page = 4096
        content[3 * page : 8 * page] = b"\xff" * (5 * page)
    else:
        del content[-200:]
    path.write_bytes(bytes(content))


def test_a_damaged_backup_changes_nothing(directory, tmp_path):
    path = tmp_path / "grappe.backup"
    backup(path)
    damage(path)
    change_everything(directory)
    after_the_change = state()
    message = refused(restore, path, "--yes")
    if connection.vendor == "sqlite":
        assert f"{path} cannot be read as an SQLite database" in message
    else:
        assert "nothing was changed" in message and "end of file" in message
    assert state() == after_the_change
    assert found("Renommé") == ["Nuage Renommé"]


def test_a_backup_from_a_newer_grappe_is_refused(directory, tmp_path):
    """The backup of a database migrated further than this code knows."""
    path = tmp_path / "grappe.backup"
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('directory', '9999_from_the_future', %s)",
            [timezone.now()],
        )
        backup(path)
        cursor.execute("DELETE FROM django_migrations WHERE name = '9999_from_the_future'")
    change_everything(directory)
    after_the_change = state()
    message = refused(restore, path, "--yes")
    assert "directory.9999_from_the_future" in message
    assert state() == after_the_change


def test_a_backup_from_an_older_grappe_is_restored_and_migrate_is_asked_for(directory, tmp_path):
    """The backup of a database that lacked this code's last migration of the directory."""
    path = tmp_path / "grappe.backup"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, applied FROM django_migrations WHERE app = 'directory' ORDER BY name DESC"
        )
        name, applied = cursor.fetchone()
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = 'directory' AND name = %s",
            [name],
        )
        backup(path)
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('directory', %s, %s)",
            [name, applied],
        )
    before = state()
    change_everything(directory)

    said = restore(path, "--yes")
    assert f"directory.{name}" in said
    assert "grappe migrate" in said and "grappe reindex" in said
    assert state() == before
    with connection.cursor() as cursor:  # the test database as it was, every migration applied
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('directory', %s, %s)",
            [name, applied],
        )


@on_postgres
def test_tables_the_backup_did_not_have_are_removed(directory, tmp_path):
    """A table a newer migration made stays behind pg_restore --clean, and would stop
    `grappe migrate` from making it again: the restore removes it."""
    path = tmp_path / "grappe.backup"
    with connection.schema_editor() as editor:
        editor.delete_model(Session)
    try:
        backup(path)
    finally:
        with connection.schema_editor() as editor:
            editor.create_model(Session)
    said = restore(path, "--yes")
    try:
        assert "django_session" in said
        assert "django_session" not in connection.introspection.table_names()
    finally:
        if "django_session" not in connection.introspection.table_names():
            with connection.schema_editor() as editor:
                editor.create_model(Session)


@on_postgres
def test_without_pg_dump_the_message_names_the_package(directory, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    message = refused(backup, tmp_path / "grappe.backup")
    assert "pg_dump" in message and "postgresql-client" in message
    assert list(tmp_path.iterdir()) == []
