"""Browser tests: Debian's Chromium driven by Playwright's sync API against a live server.

Playwright never downloads a browser here: it launches /usr/bin/chromium with the flags this
machine needs (no network beyond loopback). Outside CI, a machine without Chromium or without
the playwright package skips these tests with the reason; in CI (CI=true) they fail instead.

The demo data is loaded and indexed once for the whole package, committed so that the server
thread sees it, and flushed when the last browser test is done, as a TransactionTestCase
would, so the tests after this package find the empty database they expect.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.e2e.support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    TIMEOUT_MS,
    Site,
    missing,
    new_page,
    playwright_api,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: drives a real browser against a live server")


@pytest.fixture(scope="package", autouse=True)
def _browser_at_hand() -> None:
    """Checked before anything else of the package is set up (the demo takes seconds)."""
    if not os.path.exists(CHROMIUM):
        missing(f"{CHROMIUM} is missing (apt-get install chromium)")
    playwright_api()


@pytest.fixture(scope="package", autouse=True)
def _synchronous_orm_beside_playwright() -> Iterator[None]:
    """Let the ORM run in the main thread while Playwright's event loop is alive in it.

    Playwright's sync API keeps an asyncio loop running in the main thread, which Django reads
    as an async context and answers with SynchronousOnlyOperation. The database calls of this
    package (loading the demo, each test's transaction, the final flush) are plain synchronous
    ones, so the guard is lifted while this package runs, and restored for the rest of the
    suite.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _entry_paths() -> dict[str, list[str]]:
    """The French addresses (no prefix), whatever language an earlier test left active: the
    tests add /en/ themselves."""
    from django.utils import translation

    from grappe.directory import models

    kinds = {
        "organisation": models.Organisation,
        "software": models.Software,
        "offering": models.Offering,
        "person": models.Person,
        "event": models.Event,
    }
    with translation.override("fr"):
        return {
            kind: [entry.get_absolute_url() for entry in model.objects.order_by("pk")]
            for kind, model in kinds.items()
        }


def _through_the_application(application):
    return application


@pytest.fixture(scope="package")
def site(django_db_setup: None, django_db_blocker) -> Iterator[Site]:
    """A live server on the demo data and its search index, for every test of this package.

    The data is committed (the server thread reads it through its own connection on
    PostgreSQL) and the database stays unblocked while the package runs, since pytest-django's
    blocker would also refuse the server thread's queries.
    """
    from django.core.management import call_command
    from pytest_django.live_server_helper import LiveServer

    from grappe.interop.importers import load_demo
    from grappe.search.backends import get_backend
    from grappe.search.indexing import reindex_all

    with django_db_blocker.unblock():
        backend = get_backend()
        report = load_demo()
        assert report.ok, report.as_text()
        reindex_all()
        backend.forget_vocabulary()
        entries = _entry_paths()
        server = LiveServer("localhost", start=False)
        # Static files go through the application as in production (WhiteNoise, compressed by
        # GZipMiddleware), not through the test server's own uncompressed static handler, so
        # that the bytes the browser counts are the bytes a visitor would receive.
        server.thread.static_handler = _through_the_application
        server.start()
        server._live_server_modified_settings.enable()  # ALLOWED_HOSTS += localhost
        try:
            yield Site(url=server.url, entries=entries)
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            backend.clear()  # the full-text tables are not Django models: flush skips them
            call_command("flush", verbosity=0, interactive=False)
            backend.forget_vocabulary()


@pytest.fixture(scope="package")
def browser(site: Site) -> Iterator[Browser]:
    """Debian's Chromium, launched once for the package, after the site is up.

    Package scope, not session scope: while Playwright runs, its event loop makes Django refuse
    ORM calls in the main thread, so it must stop before the tests after this package run.
    It also runs the main thread's code in a context of its own, where Django keeps other
    database connections (each test's transaction opens one): they are closed before it stops,
    or PostgreSQL would refuse to drop the test database at the end of the session.
    """
    from django.db import connections

    with playwright_api().sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=TIMEOUT_MS
        )
        yield browser
        browser.close()
        connections.close_all()  # an in-memory SQLite test database is left open by Django


@pytest.fixture
def page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    """A page in its own context; JavaScript is on unless parametrized with False."""
    page = new_page(browser, javascript=getattr(request, "param", True))
    yield page
    page.context.close()
