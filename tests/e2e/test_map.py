"""The map in a real browser, with every request that would leave the machine blocked: markers,
popups, the list beside the map, filters, the keyboard, page weight; and the buyer's two
questions of the issue, from the home page, in French and in English."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from tests.e2e.support import Site, new_page, playwright_api

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

expect = playwright_api().expect
pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

MAX_MAP_BYTES = 250 * 1024
LOCAL_HOSTS = {"localhost", "127.0.0.1"}


class Offline:
    """Aborts, and remembers, every request to another host than the live server's."""

    def __init__(self) -> None:
        self.blocked: list[str] = []

    def __call__(self, route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname in LOCAL_HOSTS or url.startswith("data:"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


@pytest.fixture
def offline(browser: Browser) -> Iterator[tuple[Page, Offline]]:
    page = new_page(browser)
    guard = Offline()
    page.route("**/*", guard)
    yield page, guard
    page.context.close()
    assert guard.blocked == [], f"requests left the machine: {guard.blocked}"


def markers_drawn(page: Page) -> int:
    """How many results the map drew, once its script has fetched them."""
    expect(page.locator("#map[data-markers]")).to_have_count(1)
    return int(page.locator("#map").get_attribute("data-markers"))


def test_the_map_draws_every_located_result_without_leaving_the_machine(site: Site, offline):
    page, _guard = offline
    page.goto(site.url_of("/en/map/?q=fab+lab"))
    expect(page.locator("#map")).to_be_visible()
    located = page.locator(".search-results .hit")
    count = int(re.match(r"\d+", page.locator("#results-title").inner_text()).group())
    assert markers_drawn(page) == count > 0
    assert located.count() == min(count, 20)  # the list is the first page of the same search
    # Clusters and markers are on the map, no tile: no tile server is configured in tests.
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()
    expect(page.locator(".leaflet-tile")).to_have_count(0)


def test_a_popup_links_to_the_entry_and_the_list_opens_it(site: Site, offline):
    page, _guard = offline
    page.goto(site.url_of("/en/map/?q=Anglet&kind=organisation"))
    markers_drawn(page)
    item = page.locator(".hit", has_text="Fab lab de la Côte basque (exemple)")
    item.get_by_role("button", name="Show on the map").click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Fab lab de la Côte basque (exemple)")
    popup.get_by_role("link").click()
    expect(page).to_have_url(site.url_of("/en/organisations/fablab-cote-basque-exemple/"))


def test_markers_open_by_keyboard(site: Site, offline):
    """Tab to the marker, Enter opens its popup, Tab reaches the popup's link, Enter follows."""
    page, _guard = offline
    page.goto(site.url_of("/en/map/?q=Cambo&kind=organisation"))
    assert markers_drawn(page) == 1
    marker = page.locator(".map-marker")
    for _ in range(40):
        page.keyboard.press("Tab")
        if marker.evaluate("element => element === document.activeElement"):
            break
    expect(marker).to_be_focused()
    expect(marker).to_have_attribute("title", "La Fabrique de Cambo (exemple)")
    page.keyboard.press("Enter")
    link = page.locator(".leaflet-popup-content a")
    expect(link).to_be_visible()
    page.keyboard.press("Tab")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/organisations/fabrique-de-cambo-exemple/$"))


def test_a_facet_on_the_map_narrows_the_markers(site: Site, offline):
    page, _guard = offline
    page.goto(site.url_of("/en/map/?q=nextcloud"))
    everything = markers_drawn(page)
    page.get_by_role("complementary").get_by_role(
        "link", name=re.compile("^Sovereign hosting")
    ).click()
    expect(page).to_have_url(re.compile(r"/en/map/\?q=nextcloud&sovereign=yes$"))
    assert markers_drawn(page) == 1 < everything
    expect(page.locator(".search-results")).to_contain_text("Nextcloud de confiance")


def test_the_map_page_stays_under_250_kb(site: Site, browser: Browser):
    page = new_page(browser)
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(site.url_of("/map/?q=fab+lab"), wait_until="load")
    markers_drawn(page)
    page.wait_for_load_state("networkidle")
    wire = 0
    for response in responses:
        response.finished()
        sizes = response.request.sizes()
        wire += sizes["responseHeadersSize"] + sizes["responseBodySize"]
    page.context.close()
    print(f"\nmap page: {len(responses)} requests, {wire} bytes over the wire")
    assert wire < MAX_MAP_BYTES, wire


@pytest.mark.parametrize(
    ("prefix", "search", "button", "show_on_map", "sovereign", "qualification"),
    [
        (
            "",
            "Rechercher dans l’annuaire",
            "Rechercher",
            "Afficher sur la carte",
            "Hébergement souverain",
            "Qualification SecNumCloud, valable jusqu’au 2028-01-31",
        ),
        (
            "/en",
            "Search the index",
            "Search",
            "Show on the map",
            "Sovereign hosting",
            "SecNumCloud qualification, valid until 2028-01-31",
        ),
    ],
    ids=["fr", "en"],
)
def test_a_buyer_finds_the_petg_printer_and_the_sovereign_nextcloud_host_from_home(
    site: Site, offline, prefix, search, button, show_on_map, sovereign, qualification
):
    page, _guard = offline
    page.goto(site.url_of(f"{prefix}/"))

    # "Which fab lab within 30 km of Bayonne can print PETG parts 250 mm tall?"
    page.get_by_label(search, exact=True).first.fill("PETG")
    page.get_by_role("search").get_by_role("button", name=button, exact=True).click()
    page.get_by_role("link", name=show_on_map, exact=True).click()
    page.locator("#search-near").fill("Bayonne")
    page.locator("#search-radius").fill("30")
    page.locator("#search-min_z_mm").fill("250")
    page.get_by_role("search").get_by_role("button", name=button, exact=True).click()
    expect(page).to_have_url(re.compile(rf"{prefix}/map/\?.*min_z_mm=250"))
    printer = page.locator(".hit", has_text="Imprimante 3D FDM grand format")
    expect(printer).to_contain_text("360 × 360 × 400 mm")
    assert markers_drawn(page) >= 1
    printer.get_by_role("button", name=show_on_map).click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Imprimante 3D FDM grand format")

    # "Who hosts Nextcloud in France, on EU-owned servers, SecNumCloud-qualified?"
    page.goto(site.url_of(f"{prefix}/"))
    page.get_by_label(search, exact=True).first.fill("nextcloud")
    page.get_by_role("search").get_by_role("button", name=button, exact=True).click()
    page.get_by_role("complementary").get_by_role("link", name=re.compile(f"^{sovereign}")).click()
    host = page.locator(".hit", has_text="Nextcloud de confiance")
    expect(host).to_contain_text(qualification)
    page.get_by_role("link", name=show_on_map, exact=True).click()
    assert markers_drawn(page) == 1
    expect(page.locator(".search-results")).to_contain_text("Datacentre du Limousin")
