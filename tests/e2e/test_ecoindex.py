"""The EcoIndex of the pages a visitor sees most, in French: at least 75 out of 100 each.

The EcoIndex (https://www.ecoindex.fr, package ecoindex-compute) grades a page from its DOM
size, its weight and its request count against a sample of real web pages. The three are
collected here as EcoIndex's own tool does, in a real browser with an empty cache: the number
of elements in the DOM once the page is loaded (document.getElementsByTagName("*").length), and
the requests and bytes over the wire (headers and bodies as sent, compressed as served, in KB
of 1,024 bytes) until the network is idle, the map's own requests (its script, the GeoJSON of
the markers) included.

`python bench/ecoindex.py --write` runs this test and writes its figures into
docs/benchmarks.md; run it with -s to see them.
"""

from __future__ import annotations

import asyncio
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import pytest

from tests.e2e.support import Site, missing, new_page, playwright_api
from tests.e2e.test_page_weight import RICHEST

try:
    from ecoindex.compute import compute_ecoindex
except ImportError:
    missing("the ecoindex-compute package is missing (pip install -e '.[test]')")

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Response

playwright_api()  # a clear skip (a failure in CI) without playwright
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db,
    # ecoindex-compute's own compute_ecoindex calls its deprecated get_ecoindex.
    pytest.mark.filterwarnings("ignore:Use compute_ecoindex instead:DeprecationWarning"),
]

MINIMUM = 75
REPORT = "GRAPPE_ECOINDEX_REPORT"  # where bench/ecoindex.py asks for the figures, as JSON


@dataclass
class Measure:
    page: str
    path: str
    nodes: int
    requests: int
    kilobytes: float
    score: float
    grade: str
    ges: float  # grams of CO2 equivalent per visit, by EcoIndex's model
    water: float  # centilitres of water per visit, by EcoIndex's model


def pages(site: Site) -> list[tuple[str, str]]:
    def entry(kind: str) -> str:
        known = site.entries[kind]
        return RICHEST[kind] if RICHEST[kind] in known else known[0]

    return [
        ("home", "/"),
        ("search", "/search/?q=nextcloud"),
        ("organisation", entry("organisation")),
        ("software", entry("software")),
        ("map and its list", "/map/?q=fab+lab"),
    ]


def ecoindex(nodes: int, kilobytes: float, requests: int):
    """ecoindex-compute's Ecoindex (score, grade, ges, water). Its functions are coroutines,
    and Playwright's event loop runs in this thread: they run to completion in another."""
    coroutine = compute_ecoindex(nodes=nodes, size=kilobytes, requests=requests)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def measure(browser: Browser, site: Site, name: str, path: str) -> Measure:
    page = new_page(browser)
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    try:
        document = page.goto(site.url_of(path), wait_until="load")
        assert document is not None and document.status == 200, (path, document)
        if path.startswith("/map/"):
            playwright_api().expect(page.locator("#map[data-markers]")).to_have_count(1)
        page.wait_for_load_state("networkidle")
        nodes = page.evaluate("() => document.getElementsByTagName('*').length")
        wire = 0
        for response in responses:
            response.finished()
            sizes = response.request.sizes()
            wire += sizes["responseHeadersSize"] + sizes["responseBodySize"]
    finally:
        page.context.close()
    kilobytes = round(wire / 1024, 1)
    found = ecoindex(nodes, kilobytes, len(responses))
    return Measure(
        page=name,
        path=path,
        nodes=nodes,
        requests=len(responses),
        kilobytes=kilobytes,
        score=found.score,
        grade=found.grade.value,
        ges=found.ges,
        water=found.water,
    )


def test_the_most_visited_pages_score_at_least_75(site: Site, browser: Browser) -> None:
    measures = [measure(browser, site, name, path) for name, path in pages(site)]

    print(f"\n{'page':<18} {'DOM':>5} {'requests':>8} {'KB':>6} {'EcoIndex':>8}  path")
    for m in measures:
        print(
            f"{m.page:<18} {m.nodes:>5} {m.requests:>8} {m.kilobytes:>6} "
            f"{m.score:>5} ({m.grade})  {m.path}"
        )
    if os.environ.get(REPORT):
        with open(os.environ[REPORT], "w", encoding="utf-8") as file:
            json.dump([asdict(m) for m in measures], file, ensure_ascii=False, indent=1)

    low = [f"{m.page} ({m.path}): {m.score}" for m in measures if m.score < MINIMUM]
    assert not low, f"EcoIndex under {MINIMUM}: {low}"
