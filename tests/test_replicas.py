"""Reads on read replicas, writes on the primary, read-your-writes (grappe/db_routers.py).

The routing rules, the middleware and the settings are tested on every run. The streaming
tests need a real PostgreSQL primary and a hot standby replicating it: `make test-replicas`
starts both on loopback (bin/with-replica) and runs this module. Elsewhere they are skipped,
and they fail instead when GRAPPE_REPLICA_TESTS=required (bin/with-replica sets it).
"""

import asyncio
import importlib
import os
import runpy
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.core.management import call_command
from django.db import DatabaseError, OperationalError, connections, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from grappe import db_routers
from grappe.db_routers import (
    PIN_COOKIE,
    PinPrimaryMiddleware,
    PrimaryReplicaRouter,
    primary_reads,
    replica_reads,
)
from grappe.directory import models as m
from grappe.search.models import SearchDocument
from tests.factories import OrganisationFactory, curator

REPLICAS = ["replica_1", "replica_2"]
MIDDLEWARE = "grappe.db_routers.PinPrimaryMiddleware"
SESSIONS = "django.contrib.sessions.middleware.SessionMiddleware"


@pytest.fixture
def router() -> PrimaryReplicaRouter:
    return PrimaryReplicaRouter(replicas=REPLICAS)


# Where reads and writes go -----------------------------------------------------------------


def test_outside_a_request_reads_go_to_the_primary(router):
    assert router.db_for_read(m.Organisation) == "default"


def test_a_request_reads_one_replica_throughout(router):
    with replica_reads(replicas=REPLICAS):
        chosen = {router.db_for_read(model) for model in (m.Organisation, m.Offering, User) * 5}
    assert len(chosen) == 1
    assert chosen < set(REPLICAS)


def test_requests_are_spread_over_the_replicas(router):
    chosen = set()
    for _ in range(100):
        with replica_reads(replicas=REPLICAS):
            chosen.add(router.db_for_read(m.Organisation))
    assert chosen == set(REPLICAS)


def test_a_write_goes_to_the_primary_and_the_rest_of_its_request_reads_there(router):
    with replica_reads(replicas=REPLICAS) as scope:
        assert router.db_for_read(m.Organisation) in REPLICAS
        assert router.db_for_write(m.Organisation) == "default"
        assert scope.wrote
        assert router.db_for_read(m.Organisation) == "default"
        assert router.db_for_read(m.Offering) == "default"
    with replica_reads(replicas=REPLICAS):  # the next request starts afresh
        assert router.db_for_read(m.Organisation) in REPLICAS


def test_primary_reads_pins_a_request_for_a_while(router):
    with replica_reads(replicas=REPLICAS):
        with primary_reads():
            assert router.db_for_read(m.Organisation) == "default"
        assert router.db_for_read(m.Organisation) in REPLICAS
        with primary_reads():
            router.db_for_write(m.Organisation)
        assert router.db_for_read(m.Organisation) == "default"  # it wrote: it stays pinned


@pytest.mark.django_db  # each test runs in a transaction on the primary
def test_inside_a_transaction_reads_go_to_the_primary(router):
    assert connections["default"].in_atomic_block
    with replica_reads(replicas=REPLICAS):
        assert router.db_for_read(m.Organisation) == "default"


def test_the_search_index_and_sessions_are_read_on_the_primary(router):
    """The search reads its index through raw SQL on the primary: the ORM must read the same
    copy, or a hit would name a row a lagging replica does not have yet."""
    with replica_reads(replicas=REPLICAS):
        assert router.db_for_read(SearchDocument) == "default"
        assert router.db_for_read(Session) == "default"
        assert router.db_for_read(User) in REPLICAS


def test_the_relations_of_a_row_read_on_the_primary_are_read_there(router):
    organisation = m.Organisation(name="Exemple")
    with replica_reads(replicas=REPLICAS) as scope:
        organisation._state.db = "default"
        assert router.db_for_read(m.Offering, instance=organisation) == "default"
        organisation._state.db = "replica_2"
        assert router.db_for_read(m.Offering, instance=organisation) == scope.replica


def test_rows_read_on_the_primary_and_on_a_replica_may_be_related(router):
    one, other = m.Organisation(), m.Organisation()
    one._state.db, other._state.db = "default", "replica_2"
    assert router.allow_relation(one, other) is True
    other._state.db = "archive"
    assert router.allow_relation(one, other) is None


def test_migrations_never_run_on_a_replica(router):
    for model in apps.get_models(include_auto_created=True):
        label, name = model._meta.app_label, model._meta.model_name
        assert router.allow_migrate("replica_1", label, model_name=name) is False
        assert router.allow_migrate("default", label, model_name=name) is None  # Django's: yes


def test_without_replicas_the_router_leaves_everything_to_django():
    router = PrimaryReplicaRouter(replicas=[])
    with replica_reads(replicas=[]):
        assert router.db_for_read(m.Organisation) is None
        assert router.db_for_write(m.Organisation) is None


# The middleware: read-your-writes ----------------------------------------------------------


@pytest.fixture
def replicas_configured(monkeypatch):
    monkeypatch.setattr(db_routers, "replica_aliases", lambda: REPLICAS)


def reads_where(router, *, write: bool = False):
    """A view answering where its reads go (after a write through the ORM, if `write`)."""

    def view(request):
        if write:
            router.db_for_write(m.Organisation)
        return HttpResponse(router.db_for_read(m.Organisation))

    return view


def test_without_replicas_the_middleware_is_left_out(router, monkeypatch):
    monkeypatch.setattr(db_routers, "replica_aliases", list)
    with pytest.raises(MiddlewareNotUsed):
        PinPrimaryMiddleware(reads_where(router))


def test_a_visitor_reads_a_replica_and_gets_no_cookie(rf, router, replicas_configured):
    response = PinPrimaryMiddleware(reads_where(router))(rf.get("/"))
    assert response.content.decode() in REPLICAS
    assert PIN_COOKIE not in response.cookies


def test_a_post_reads_the_primary_and_pins_the_client(rf, router, replicas_configured):
    before = time.time()
    response = PinPrimaryMiddleware(reads_where(router))(rf.post("/", {"name": "Exemple"}))
    assert response.content == b"default"
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["max-age"] == 10
    assert before + 9 <= int(cookie.value) <= time.time() + 10
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"


def test_a_get_that_writes_pins_the_rest_of_it_and_the_client(rf, router, replicas_configured):
    response = PinPrimaryMiddleware(reads_where(router, write=True))(rf.get("/"))
    assert response.content == b"default"
    assert PIN_COOKIE in response.cookies


@pytest.mark.parametrize(
    ("until", "reads"),
    [
        (+5, "default"),  # pinned: the next pages read the primary
        (-1, "replica"),  # the pin is over
        (+3600, "replica"),  # not a cookie we set: we never pin for an hour
        ("soon", "replica"),
    ],
)
def test_the_pin_cookie_lasts_the_pin_and_no_longer(rf, router, replicas_configured, until, reads):
    request = rf.get("/")
    value = until if isinstance(until, str) else str(int(time.time()) + until)
    request.COOKIES[PIN_COOKIE] = value
    response = PinPrimaryMiddleware(reads_where(router))(request)
    where = response.content.decode()
    assert (where if where == "default" else "replica") == reads
    assert PIN_COOKIE not in response.cookies  # reading pins nobody longer


@override_settings(GRAPPE_REPLICA_PIN_SECONDS=3, SESSION_COOKIE_SECURE=True)
def test_the_pin_lasts_the_configured_seconds_and_is_secure_when_sessions_are(
    rf, router, replicas_configured
):
    response = PinPrimaryMiddleware(reads_where(router))(rf.delete("/"))
    assert response.cookies[PIN_COOKIE]["max-age"] == 3
    assert response.cookies[PIN_COOKIE]["secure"] is True


def test_the_middleware_works_for_asynchronous_views(rf, router, replicas_configured):
    async def view(request):
        await asyncio.sleep(0)
        if request.method == "POST":
            router.db_for_write(m.Organisation)
        return HttpResponse(router.db_for_read(m.Organisation))

    middleware = PinPrimaryMiddleware(view)
    assert asyncio.run(middleware(rf.get("/"))).content.decode() in REPLICAS
    posted = asyncio.run(middleware(rf.post("/")))
    assert posted.content == b"default"
    assert PIN_COOKIE in posted.cookies


def test_concurrent_requests_do_not_pin_each_other(rf, router, replicas_configured):
    both_inside = threading.Barrier(2, timeout=10)
    reads = {}

    def view(request):
        if request.path == "/writes/":
            router.db_for_write(m.Organisation)
        both_inside.wait()  # one request has written, the other is still running
        reads[request.path] = router.db_for_read(m.Organisation)
        both_inside.wait()
        return HttpResponse()

    middleware = PinPrimaryMiddleware(view)
    threads = [
        threading.Thread(target=middleware, args=(rf.get(path),)) for path in ("/writes/", "/")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert reads["/writes/"] == "default"
    assert reads["/"] in REPLICAS


# Settings ------------------------------------------------------------------------------------

SETTINGS = Path(settings.BASE_DIR) / "settings.py"


def load_settings(monkeypatch, tmp_path, **environ: str) -> dict:
    """grappe/settings.py as it reads the given environment."""
    for name in ("DATABASE_URL", "DATABASE_REPLICA_URLS", "GRAPPE_REPLICA_PIN_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GRAPPE_DATA_DIR", str(tmp_path))
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_without_replicas_there_is_one_database_and_no_router(monkeypatch, tmp_path):
    loaded = load_settings(monkeypatch, tmp_path, DATABASE_URL="postgres://grappe@db/grappe")
    assert list(loaded["DATABASES"]) == ["default"]
    assert "DATABASE_ROUTERS" not in loaded


def test_each_replica_url_adds_a_replica_and_the_router(monkeypatch, tmp_path):
    loaded = load_settings(
        monkeypatch,
        tmp_path,
        DATABASE_URL="postgres://grappe@primary:5432/grappe",
        DATABASE_REPLICA_URLS=(
            "postgres://grappe@replica-a:5433/grappe?connect_timeout=2,, "
            "postgres://grappe@replica-b:5432,primary:5432/grappe"
            "?target_session_attrs=prefer-standby"
        ),
        GRAPPE_REPLICA_PIN_SECONDS="30",
    )
    databases = loaded["DATABASES"]
    assert list(databases) == ["default", "replica_1", "replica_2"]
    assert (databases["replica_1"]["HOST"], databases["replica_1"]["PORT"]) == ("replica-a", 5433)
    assert databases["replica_1"]["OPTIONS"] == {"connect_timeout": 2}
    assert databases["replica_2"]["HOST"] == "replica-b,primary"  # libpq tries each in turn
    assert databases["replica_2"]["OPTIONS"] == {"target_session_attrs": "prefer-standby"}
    assert {db["TEST"]["MIRROR"] for db in list(databases.values())[1:]} == {"default"}
    assert loaded["DATABASE_ROUTERS"] == ["grappe.db_routers.PrimaryReplicaRouter"]
    assert loaded["GRAPPE_REPLICA_PIN_SECONDS"] == 30


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DATABASE_REPLICA_URLS": "postgres://grappe@replica/grappe"}, "needs PostgreSQL"),
        (
            {
                "DATABASE_URL": "postgres://grappe@db/grappe",
                "DATABASE_REPLICA_URLS": "mysql://grappe@replica/grappe",
            },
            "needs PostgreSQL",
        ),
        (
            {
                "DATABASE_URL": "postgres://grappe@db/grappe",
                "DATABASE_REPLICA_URLS": "postgres://grappe@replica/grappe",
                "GRAPPE_REPLICA_PIN_SECONDS": "0",
            },
            "GRAPPE_REPLICA_PIN_SECONDS",
        ),
    ],
)
def test_replicas_that_cannot_work_stop_the_start(monkeypatch, tmp_path, environ, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        load_settings(monkeypatch, tmp_path, **environ)


# A real streaming replica ------------------------------------------------------------------
# The test database is created and migrated on the primary; the replica receives it by
# streaming replication, and Django reads it there (the replica's TEST MIRROR setting).

streaming = pytest.mark.django_db(transaction=True, databases="__all__")


def scalar(alias: str, sql: str, params=()):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def wait_until(condition, what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: still not done after {timeout} s")
        time.sleep(0.005)


def wait_for_replay(replica: str) -> None:
    """Until the replica has replayed every commit made so far on the primary."""
    flushed = scalar("default", "SELECT pg_current_wal_flush_lsn()::text")

    def replayed() -> bool:
        try:
            return scalar(replica, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [flushed])
        except OperationalError:  # the test database may not have reached the replica yet
            connections[replica].close()
            return False

    wait_until(replayed, f"the replica replaying the primary up to {flushed}")


@contextmanager
def replay_paused(replica: str) -> Iterator[None]:
    """The replica lags: it receives the primary's changes but applies none of them."""
    scalar(replica, "SELECT pg_wal_replay_pause()::text")
    wait_until(
        lambda: scalar(replica, "SELECT pg_get_wal_replay_pause_state()") == "paused",
        "pausing the replay",
    )
    try:
        yield
    finally:
        scalar(replica, "SELECT pg_wal_replay_resume()::text")


@contextmanager
def queries_on(*aliases: str) -> Iterator[list[CaptureQueriesContext]]:
    contexts = [CaptureQueriesContext(connections[alias]) for alias in aliases]
    for context in contexts:
        context.__enter__()
    try:
        yield contexts
    finally:
        for context in contexts:
            context.__exit__(None, None, None)


@pytest.fixture(scope="module")
def replica(django_db_setup, django_db_blocker) -> Iterator[str]:
    aliases = db_routers.replica_aliases()
    if not aliases or connections["default"].vendor != "postgresql":
        reason = "needs a PostgreSQL primary and a streaming replica: run make test-replicas"
        if os.environ.get("GRAPPE_REPLICA_TESTS") == "required":
            pytest.fail(reason)
        pytest.skip(reason)
    alias = aliases[0]
    with django_db_blocker.unblock():
        wait_for_replay(alias)
        assert scalar("default", "SELECT pg_is_in_recovery()") is False
        assert scalar(alias, "SELECT pg_is_in_recovery()") is True  # a hot standby
        assert scalar("default", "SELECT current_database()") == scalar(
            alias, "SELECT current_database()"
        )
        assert (
            scalar("default", "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
            >= 1
        )
    # The site's own middleware list, or this module's until the settings have the middleware.
    middleware = list(settings.MIDDLEWARE)
    if MIDDLEWARE not in middleware:
        middleware.insert(middleware.index(SESSIONS), MIDDLEWARE)
    with override_settings(MIDDLEWARE=middleware):
        yield alias
    with django_db_blocker.unblock():
        for alias in aliases:
            connections[alias].close()


def test_the_site_reads_replicas_through_the_middleware(replica):
    """Before the session: the session and the user are read in the request's scope, and a
    session saved on the way out pins the visitor like any other write."""
    site = importlib.import_module("grappe.settings").MIDDLEWARE  # not the fixture's override
    assert MIDDLEWARE in site
    assert site.index(MIDDLEWARE) < site.index(SESSIONS)


@streaming
def test_a_commit_reaches_the_replica_well_within_the_pin(replica):
    lags = []
    for _ in range(20):
        organisation = OrganisationFactory()  # outside a request: on the primary
        assert organisation._state.db == "default"
        committed = time.perf_counter()
        wait_until(
            m.Organisation.objects.using(replica).filter(pk=organisation.pk).exists,
            "the row reaching the replica",
        )
        lags.append(time.perf_counter() - committed)
    print(  # shown with pytest -s; docs/scaling.md quotes it
        f"\nreplica lag on loopback over {len(lags)} commits: median "
        f"{statistics.median(lags) * 1000:.1f} ms, max {max(lags) * 1000:.1f} ms"
    )
    assert max(lags) < settings.GRAPPE_REPLICA_PIN_SECONDS / 10


class FormFields(HTMLParser):
    """What a browser would submit from one form of a page, unchanged."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        elif not self.inside or "disabled" in a:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file", "image", "reset"):
                self.fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.fields.append((self._textarea, ""))

    def handle_data(self, data):
        if self._textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def submitted(html: str, form_id: str, **changes: str) -> dict[str, str | list[str]]:
    parser = FormFields(form_id)
    parser.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value.removeprefix("\n"))  # the newline after <textarea>
    data.update({name: [value] for name, value in changes.items()})
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


@streaming
def test_whoever_edits_sees_the_edit_at_once_while_visitors_read_the_lagging_replica(replica):
    organisation = OrganisationFactory(name="Atelier Avant")
    editor = Client()
    editor.force_login(curator(username="editor"))
    visitor = Client()
    page = organisation.get_absolute_url()
    wait_for_replay(replica)

    # A visitor's page is read on the replica, and nothing on the primary.
    with queries_on("default", replica) as (on_primary, on_replica):
        response = visitor.get(page)
    assert response.status_code == 200
    assert "Atelier Avant" in response.text
    assert len(on_replica) > 0
    assert len(on_primary) == 0
    assert PIN_COOKIE not in response.cookies

    with replay_paused(replica):
        # The editor changes the name in the back office: the whole POST reads and writes the
        # primary, and its answer pins the editor to the primary.
        change = f"/admin/directory/organisation/{organisation.pk}/change/"
        form = editor.get(change)
        assert form.status_code == 200
        data = submitted(form.text, "organisation_form", name="Atelier Après", _save="Save")
        with queries_on(replica) as (on_replica,):
            saved = editor.post(change, data)
        assert saved.status_code == 302, saved.text
        assert len(on_replica) == 0
        assert PIN_COOKIE in saved.cookies
        assert m.Organisation.objects.using("default").get(pk=organisation.pk).name == (
            "Atelier Après"
        )
        # The replica has not applied it yet...
        assert m.Organisation.objects.using(replica).get(pk=organisation.pk).name == (
            "Atelier Avant"
        )

        # ...yet the editor sees the edit on the next page at once, read on the primary...
        with queries_on(replica) as (on_replica,):
            response = editor.get(page)
        assert "Atelier Après" in response.text
        assert len(on_replica) == 0

        # ...while a visitor still reads the replica's stale copy.
        with queries_on("default", replica) as (on_primary, on_replica):
            response = visitor.get(page)
        assert "Atelier Avant" in response.text
        assert "Atelier Après" not in response.text
        assert len(on_replica) > 0
        assert len(on_primary) == 0

        # Once the pin is over, the editor reads the replica again (the session excepted).
        editor.cookies[PIN_COOKIE] = str(int(time.time()) - 1)
        with queries_on(replica) as (on_replica,):
            editor.get(page)
        assert len(on_replica) > 0

    wait_for_replay(replica)
    assert "Atelier Après" in visitor.get(page).text


@streaming
def test_a_transaction_reads_the_primary_and_a_request_the_replica(replica):
    organisation = OrganisationFactory()
    wait_for_replay(replica)
    with replica_reads():
        assert m.Organisation.objects.get(pk=organisation.pk)._state.db == replica
        with transaction.atomic():
            assert m.Organisation.objects.get(pk=organisation.pk)._state.db == "default"
        with pytest.raises(DatabaseError, match="read-only transaction"):
            # Had the router sent a write to the replica, PostgreSQL would have refused it.
            m.Organisation.objects.using(replica).filter(pk=organisation.pk).update(name="X")


@streaming
def test_migrate_never_changes_the_replica(replica):
    with queries_on(replica) as (on_replica,):
        call_command("migrate", verbosity=0, interactive=False)
    assert len(on_replica) == 0
    # Even aimed at the replica, migrate only reads it: it has the schema by streaming.
    with queries_on(replica) as (on_replica,):
        call_command("migrate", database=replica, verbosity=0, interactive=False)
    statements = {query["sql"].split(None, 1)[0].upper() for query in on_replica}
    assert statements <= {"SELECT"}, on_replica.captured_queries


@streaming
def test_the_page_cache_never_keeps_a_page_read_on_a_lagging_replica(replica):
    organisation = OrganisationFactory(name="Atelier Avant")
    page = organisation.get_absolute_url()
    visitor = Client()
    wait_for_replay(replica)
    with override_settings(GRAPPE_PAGE_CACHE=True):
        with replay_paused(replica):
            organisation.name = "Atelier Après"
            organisation.save()  # committed on the primary: the cache forgets its pages
            assert "Atelier Avant" in visitor.get(page).text  # the replica's, for now
        wait_for_replay(replica)
        assert "Atelier Après" in visitor.get(page).text
