"""A consortium builder in a real browser: log in, paste a call for tenders, read its lots, open a
lot's ranked members and teams, unfold the evidence by keyboard, edit a requirement and see the
lot change. Once in French without JavaScript, once in English with it.

Labels this page adds are found by their role or id rather than their words, since the French
catalogue translates them later.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.e2e.support import Site, playwright_api
from tests.factories import curator
from tests.web.test_tenders import french_notice

if TYPE_CHECKING:
    from playwright.sync_api import Page

expect = playwright_api().expect
pytestmark = [pytest.mark.e2e]

# The site's login form asks for an e-mail address (an <input type="email"> the browser checks
# before sending): a curator's username is its address, lowercase as the form makes it.
USERNAME = "e2e-builder@example.org"
PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
HDS_HOLDERS = re.compile(r"Héberge-Adour \(exemple\)|Nuage Girondin \(exemple\)")
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.fixture(scope="module")
def builder(site: Site, django_db_blocker) -> Iterator[str]:
    """A curator committed before any test's transaction, so the server thread sees it."""
    with django_db_blocker.unblock():
        user = curator(username=USERNAME, email=USERNAME)
    yield USERNAME
    with django_db_blocker.unblock():
        user.delete()


@pytest.mark.django_db
def test_a_visitor_reads_the_tenders_page_and_is_offered_to_log_in(site: Site, page: Page) -> None:
    """Read only, in a test transaction like the other browser tests (this mark also has the
    test database set up when this file runs alone)."""
    page.goto(site.url_of("/"))
    nav = page.get_by_role("navigation", name="Principal")
    nav.locator("a[href='/tenders/']").click()
    expect(page).to_have_url(site.url_of("/tenders/"))
    expect(nav.locator("a[href='/tenders/']")).to_have_attribute("aria-current", "page")
    expect(page.locator("textarea, input[type=file]")).to_have_count(0)
    login = page.locator("p.login-prompt a")
    expect(login).to_have_attribute("href", "/account/login/?next=%2Ftenders%2F")


def log_in_from_the_tenders_page(page: Page, site: Site, language: str) -> None:
    page.goto(site.url_of(f"{language}/tenders/"))
    expect(page.locator("textarea")).to_have_count(0)  # no form before logging in
    page.locator("p.login-prompt a").click()
    expect(page).to_have_url(re.compile(re.escape(site.url_of(f"{language}/account/login/?next="))))
    page.locator("#id_username").fill(USERNAME)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page).to_have_url(site.url_of(f"{language}/tenders/"))


# No test transaction here: the journey writes through the live server (a session, a tender, an
# edit), which SQLite refuses while a test's transaction holds the write lock. What it writes
# stays until the package's final flush; each run adds a tender of its own.
@pytest.mark.parametrize(
    ("language", "page"), [("", False), ("/en", True)], ids=["fr-no-js", "en-js"], indirect=["page"]
)
def test_paste_a_notice_match_a_lot_and_edit_it(
    site: Site, page: Page, builder: str, language: str
) -> None:
    log_in_from_the_tenders_page(page, site, language)
    expect(page.locator("html")).to_have_attribute("lang", "en" if language else "fr")

    page.locator("#id_notice_text").fill(french_notice())
    page.locator("form.tender-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(site.url_of(f"{language}/tenders/")) + UUID))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Hébergement Nextcloud de données de santé et formation des agents"
    )
    lots = page.locator("section.lot").get_by_role("heading", level=2)
    expect(lots).to_have_count(2)
    expect(lots.first).to_contain_text("Hébergement et infogérance d'une plateforme Nextcloud")
    expect(lots.nth(1)).to_contain_text("Formation des agents à Nextcloud")

    page.locator("a.action[href$='/lots/1/']").click()
    expect(page).to_have_url(re.compile(r"/lots/1/$"))
    members = page.locator("ol.members > li")
    expect(members.first.get_by_role("heading", level=3)).to_contain_text(HDS_HOLDERS)
    assert members.count() >= 3

    team = page.locator("section.team").first
    expect(team.locator("li.role-lead")).to_have_count(1)
    matrix = team.get_by_role("table").filter(has=page.locator("td.cell"))
    expect(
        matrix.get_by_role("row", name=re.compile("Hébergeur de données de santé"))
    ).to_be_visible()

    evidence = members.first.locator("details.evidence").last
    expect(evidence).not_to_have_attribute("open", "")
    evidence.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(evidence).to_have_attribute("open", "")
    expect(evidence.get_by_role("listitem").first).to_be_visible()
    if language == "/en":
        expect(evidence).to_contain_text(
            "Hébergeur de données de santé (HDS) valid on the deadline"
        )

    requirements = page.locator("table.requirements")
    expect(requirements).to_contain_text("Hébergeur de données de santé (HDS)")
    page.locator("a[href$='/lots/1/edit/']").first.click()
    expect(page).to_have_url(re.compile(r"/lots/1/edit/$"))
    # A certification's wording comes from its scheme: the label field stays empty.
    expect(page.locator("#id_requirements-1-scheme option:checked")).to_have_text(
        "Hébergeur de données de santé (HDS)"
    )
    page.locator("#id_requirements-1-DELETE").check()
    page.locator("form.lot-form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/lots/1/$"))
    expect(requirements).not_to_contain_text("Hébergeur de données de santé")
    expect(page.locator("section.team").first.locator("table.matrix")).not_to_contain_text(
        "Hébergeur de données de santé"
    )
