"""Every kind of public page stays light on a first visit: under 100 KB over the wire and under
10 requests, counted in a real browser with an empty cache. Run with -s to see the table."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.e2e.support import Site, new_page, playwright_api

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Response

playwright_api()  # a clear skip (a failure in CI) without playwright
pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

MAX_BYTES = 100 * 1024
MAX_REQUESTS = 10
# The richest demo entry of each kind (its page is the heaviest of its kind in the demo);
# if the demo drops it, the first entry of that kind stands in.
RICHEST = {
    "organisation": "/organisations/gironde-logiciels-libres-exemple/",
    "software": "/software/nextcloud/",
    "offering": "/offerings/gironde-ll-maintenance-glpi/",
    "person": "/people/inaki-demo/",
    "event": "/events/rencontres-hebergement-souverain-exemple-2027/",
}


def pages_to_weigh(site: Site) -> list[tuple[str, str, int]]:
    """(page kind, path, expected status of the document), one of each public kind."""
    pages = [
        ("home", "/", 200),
        ("home, English", "/en/", 200),
        ("search, query", "/search/?q=nextcloud", 200),
        ("search, no query", "/search/", 200),
        ("map, fab labs", "/map/?q=fab+lab", 200),
    ]
    for kind, path in RICHEST.items():
        known = site.entries[kind]
        assert known, f"the demo data has no {kind}"
        pages.append((kind, path if path in known else known[0], 200))
    pages.append(("404", "/organisations/nobody-here/", 404))
    return pages


def weigh(browser: Browser, url: str) -> tuple[int, int, int, int]:
    """(document status, requests, bytes over the wire, bytes decoded) of one cold visit.

    Bytes over the wire are each response's headers plus its body as sent; bytes decoded are
    the bodies after any content encoding. Playwright does not report the browser's own
    /favicon.ico request: it is weighed apart.
    """
    page = new_page(browser)
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    try:
        document = page.goto(url, wait_until="load")
        assert document is not None
        for response in responses:
            response.finished()
        wire = decoded = 0
        for response in responses:
            sizes = response.request.sizes()
            wire += sizes["responseHeadersSize"] + sizes["responseBodySize"]
            decoded += len(response.body())
        return document.status, len(responses), wire, decoded
    finally:
        page.context.close()


def test_public_pages_stay_light(site: Site, browser: Browser) -> None:
    """Each page kind, first visit: under MAX_REQUESTS requests and MAX_BYTES transferred."""
    rows = []
    for kind, path, status in pages_to_weigh(site):
        got, requests, wire, decoded = weigh(browser, site.url_of(path))
        assert got == status, (kind, path, got)
        rows.append((kind, path, requests, wire, decoded))

    favicon_page = new_page(browser)
    favicon = favicon_page.context.request.get(site.url_of("/favicon.ico"))
    favicon_bytes = len(favicon.body())
    favicon_page.context.close()

    print(f"\n{'page':<18} {'requests':>8} {'bytes':>8} {'decoded':>8}  path")
    for kind, path, requests, wire, decoded in rows:
        print(f"{kind:<18} {requests:>8} {wire:>8} {decoded:>8}  {path}")
    print(f"(and the browser's own /favicon.ico: HTTP {favicon.status}, {favicon_bytes} bytes)")

    for kind, path, requests, wire, _decoded in rows:
        assert requests < MAX_REQUESTS, f"{kind} ({path}): {requests} requests"
        assert wire < MAX_BYTES, f"{kind} ({path}): {wire} bytes transferred"
