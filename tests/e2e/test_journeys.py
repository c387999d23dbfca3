"""What a buyer does: search, narrow with a facet, open a profile, switch language; with and
without JavaScript; and the keyboard path to the search box."""

import re

from playwright.sync_api import expect


def test_search_facet_profile_and_language(site, page):
    page.goto(site + "/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_label("Rechercher dans l’annuaire").first.fill("nextcloud")
    page.get_by_role("button", name="Rechercher").first.click()
    expect(page).to_have_url(re.compile(r"/search/\?q=nextcloud"))
    results = page.locator(".search-results")
    expect(results.get_by_role("link", name="Nextcloud", exact=True).first).to_be_visible()
    count_before = page.locator("#results-title").inner_text()

    page.locator(".facets").get_by_role("link", name=re.compile("Offre d’hébergement")).click()
    expect(page).to_have_url(re.compile(r"offering_kind=hosting"))
    selected = page.locator(".facets a[aria-current]")
    expect(selected).to_contain_text("Offre d’hébergement")
    assert page.locator("#results-title").inner_text() != count_before

    first = page.locator("ol.hits li.hit h3 a").first
    name = first.inner_text().strip()
    first.click()
    expect(page.locator("h1")).to_contain_text(name)
    french_url = page.url

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url == french_url.replace(site, site + "/en")
    expect(page.locator("h1")).to_contain_text(name)


def test_typos_and_alternatives_from_the_search_box(site, page):
    page.goto(site + "/search/?q=bigbluebuton")
    expect(page.locator(".correction")).to_contain_text("bigbluebutton")
    expect(page.get_by_role("link", name="BigBlueButton", exact=True).first).to_be_visible()
    page.goto(site + "/search/?q=Word")
    expect(page.get_by_role("link", name="LibreOffice", exact=True).first).to_be_visible()


def test_keyboard_reaches_the_search_box_after_the_skip_link(site, browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(site + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    for _ in range(30):  # tab through the page until the search field has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "q":
            break
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.type("glpi")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=glpi"))
    context.close()
