"""Browser tests: Debian's Chromium driven by Playwright against the live test server.

Playwright never downloads a browser here: it launches /usr/bin/chromium with the flags this
machine needs (no network beyond loopback). Outside CI, a machine without Chromium skips these
tests with the reason; in CI they must run.
"""

import os
import shutil
from collections.abc import Iterator

import pytest

from grappe.interop.importers import load_demo
from grappe.search.backends import get_backend
from grappe.search.indexing import reindex_all

# Playwright's sync API keeps an asyncio loop in this thread, which Django's ORM reads as an
# async context; the database calls of these tests are plain synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: drives a real browser against the live server")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing in CI (apt-get install chromium)")
        pytest.skip("Debian's Chromium is not installed (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, transactional_db) -> str:
    """The live server's address, serving the demo data with its search index."""
    get_backend().forget_vocabulary()
    assert load_demo().ok
    reindex_all()
    return live_server.url


@pytest.fixture(params=[True, False], ids=["with-javascript", "without-javascript"])
def page(request, browser):
    context = browser.new_context(java_script_enabled=request.param, locale="fr-FR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
