"""What a visitor does in a real browser, in French: search, narrow with a facet, open an entry
and read it in English (with and without JavaScript), survive a typo, and go by keyboard."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import quote_plus

import pytest

from tests.e2e.support import Site, playwright_api

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

expect = playwright_api().expect
pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

SEARCH_LABEL = "Rechercher dans l’annuaire"
RESULT_COUNT = re.compile(r"^(\d+) résultats?$")
HOSTING_FACET = "Offre d’hébergement"


def search_from(page: Page, words: str) -> None:
    """Type into the search box found by its label, then press the search button."""
    page.get_by_label(SEARCH_LABEL, exact=True).fill(words)
    page.get_by_role("search").get_by_role("button", name="Rechercher", exact=True).click()


def search_url(site: Site, words: str) -> re.Pattern[str]:
    """The search page's address with q=words among its parameters (others may come along)."""
    start = re.escape(site.url_of("/search/?"))
    return re.compile(start + r"(.*&)?q=" + re.escape(quote_plus(words)) + r"(&|$)")


def results(page: Page) -> Locator:
    """The results section, a region named by its "N résultats" heading."""
    return page.get_by_role("region", name=re.compile(r"\d+ résultats?"))


def result_count(page: Page) -> int:
    heading = results(page).get_by_role("heading", level=2)
    expect(heading).to_have_text(RESULT_COUNT)
    return int(RESULT_COUNT.match(heading.inner_text().strip()).group(1))


@pytest.mark.parametrize("page", [True, False], ids=["javascript", "no-javascript"], indirect=True)
def test_search_narrow_open_and_read_in_english(site: Site, page: Page) -> None:
    """Home → search "nextcloud" → hosting facet → first hit → the same entry in English."""
    page.goto(site.url_of("/"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    search_from(page, "nextcloud")
    expect(page).to_have_url(search_url(site, "nextcloud"))
    expect(results(page).get_by_role("link", name="Nextcloud", exact=True)).to_be_visible()
    everything = result_count(page)

    facets = page.get_by_role("complementary", name="Affiner la recherche")
    facet = facets.get_by_role("link", name=re.compile(HOSTING_FACET))
    expect(facet).not_to_have_attribute("aria-current", "true")
    announced = int(re.search(r"\((\d+)\)", facet.inner_text()).group(1))
    facet.click()

    expect(page).to_have_url(re.compile(r"[?&]offering_kind=hosting(&|$)"))
    expect(results(page).get_by_role("heading", level=2)).to_have_text(
        f"{announced} résultat" if announced == 1 else f"{announced} résultats"
    )
    assert 0 < announced < everything, (announced, everything)
    selected = facets.get_by_role("link", name=re.compile(HOSTING_FACET))
    expect(selected).to_have_attribute("aria-current", "true")
    expect(page.get_by_role("region", name="Filtres actifs")).to_contain_text(HOSTING_FACET)

    first = results(page).get_by_role("heading", level=3).first.get_by_role("link").first
    name = first.inner_text().strip()
    href = first.get_attribute("href")
    first.click()
    expect(page).to_have_url(site.url_of(href))
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)

    page.get_by_role("navigation", name="Langue").get_by_role("link", name="English").click()
    expect(page).to_have_url(site.url_of("/en" + href))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).not_to_be_empty()
    expect(page.get_by_role("link", name="Search the index", exact=True)).to_be_visible()
    back = page.get_by_role("navigation", name="Language").get_by_role("link", name="Français")
    expect(back).to_have_attribute("href", href)


def test_typos_and_alternatives(site: Site, page: Page) -> None:
    """A misspelt name is corrected and said so; "Word" finds its free alternative."""
    page.goto(site.url_of("/search/"))
    search_from(page, "bigbluebuton")
    expect(page).to_have_url(search_url(site, "bigbluebuton"))
    correction = results(page).get_by_text("Résultats pour")
    expect(correction).to_contain_text("bigbluebutton")
    expect(correction).to_contain_text("(vous avez saisi bigbluebuton)")
    expect(results(page).get_by_role("link", name="BigBlueButton", exact=True)).to_be_visible()

    search_from(page, "Word")
    expect(page).to_have_url(search_url(site, "Word"))
    expect(results(page).get_by_role("link", name="LibreOffice", exact=True)).to_be_visible()


def test_keyboard_skip_link_then_search(site: Site, page: Page) -> None:
    """Tab reaches the skip link first; Enter jumps to main; the next Tab is the search box."""
    page.goto(site.url_of("/"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # kept off-screen until focused, then shown

    page.keyboard.press("Enter")
    expect(page).to_have_url(site.url_of("/#main"))
    page.keyboard.press("Tab")  # sequential focus goes on from main, past the header links
    field = page.get_by_label(SEARCH_LABEL, exact=True)
    expect(field).to_be_focused()
    assert field.evaluate("field => field.closest('main') !== null")

    page.keyboard.type("glpi")
    page.keyboard.press("Enter")
    expect(page).to_have_url(search_url(site, "glpi"))
    expect(results(page).get_by_role("link", name="GLPI", exact=True)).to_be_visible()
