"""Keyboard only, in French: Tab moves, Enter follows a link or sends a form, Space ticks a box,
and words are typed into the field that has the focus; no click anywhere.

A visitor searches from the home page, narrows with a facet, goes to the map, opens an entry
from the list beside it; a curator logs in from the calls for tenders, opens a tender, edits
a lot and saves it; a member logs in from the home page, goes from the dashboard to the
profile of their organisation, changes a field of its form and sends it to the curators.
Every stop of the focus on the way must show it with an outline, and on the lot's edit form
the focus must reach every control, in order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest

from tests.e2e.support import Site, playwright_api

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

expect = playwright_api().expect
pytestmark = [pytest.mark.e2e]

# The site's login form asks for an e-mail address: a curator's username is its address.
CURATOR = "e2e-keyboard-curator@example.org"
PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
HOSTING_FACET = "Offre d’hébergement"
MAX_TABS = 250

# Where the focus is, its outline, and whether it is on the element looked for.
FOCUS = """(target) => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    const name = (element.getAttribute("aria-label") || element.innerText || element.value
                  || element.name || "").trim().slice(0, 40);
    return {
        on_target: target === element,
        identity: element.id || element.textContent.trim(),
        outline: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
        what: `${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""} "${name}"`
              + ` (outline ${style.outlineStyle} ${style.outlineWidth})`,
    };
}"""


@dataclass
class Journey:
    """Every stop of the focus so far, and those that did not show it.

    Grappe's pages draw a 3 px outline around the focus; an element they forgot gets only the
    browser's thin default ring (1 px), so at least 2 px are asked there. Django's back office
    keeps the browser's ring: any outline is enough there.
    """

    page: Page
    stops: list[str] = field(default_factory=list)
    unseen: list[str] = field(default_factory=list)

    def note(self, target: Locator) -> dict:
        """Where the focus is now, noted as a stop."""
        focus = target.evaluate(FOCUS)
        self.stops.append(focus["what"])
        thinnest = 1 if "/admin/" in self.page.url else 2
        if focus["outline"] < thinnest:
            self.unseen.append(f"{self.page.url}: {focus['what']}")
        return focus

    def tab_to(self, target: Locator) -> None:
        """Press Tab until the focus is on `target`, noting each stop on the way; none if it is
        there already (a field with autofocus, such as the login form's first)."""
        if target.evaluate(FOCUS)["on_target"]:
            return
        for _ in range(MAX_TABS):
            self.page.keyboard.press("Tab")
            if self.note(target)["on_target"]:
                return
        raise AssertionError(f"{MAX_TABS} presses of Tab never reached {target}: {self.stops}")

    def assert_focus_always_seen(self) -> None:
        assert self.unseen == [], "focus not visible on:\n" + "\n".join(self.unseen)


@pytest.fixture
def journey(page: Page) -> Iterator[Journey]:
    walk = Journey(page)
    yield walk
    walk.assert_focus_always_seen()


@pytest.mark.django_db  # reads only: a test transaction is harmless
def test_search_facet_map_list_and_entry_by_keyboard(site: Site, page: Page, journey: Journey):
    page.goto(site.url_of("/"))
    journey.tab_to(page.get_by_role("link", name="Aller au contenu"))
    page.keyboard.press("Enter")
    search_box = page.get_by_label("Rechercher dans l’annuaire", exact=True)
    journey.tab_to(search_box)
    page.keyboard.type("nextcloud")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?(.*&)?q=nextcloud(&|$)"))

    facets = page.get_by_role("complementary", name="Affiner la recherche")
    journey.tab_to(facets.get_by_role("link", name=re.compile(HOSTING_FACET)))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]offering_kind=hosting(&|$)"))
    expect(facets.get_by_role("link", name=re.compile(HOSTING_FACET))).to_have_attribute(
        "aria-current", "true"
    )

    results = page.locator(".search-results")
    journey.tab_to(results.get_by_role("link", name="Afficher sur la carte", exact=True))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/map/\?.*offering_kind=hosting"))
    expect(page.locator("#map[data-markers]")).to_have_count(1)  # the map is drawn

    first = page.locator(".search-results .hit h3 a").first
    name = first.inner_text().strip()
    href = first.get_attribute("href")
    journey.tab_to(first)
    page.keyboard.press("Enter")
    expect(page).to_have_url(site.url_of(href))
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)


@pytest.fixture(scope="module")
def tender(site: Site, django_db_blocker) -> Iterator[str]:
    """A curator and a tender they added, committed so that the server thread sees them."""
    from grappe.tenders.notices import read_notice
    from grappe.tenders.storing import store_notice
    from tests.factories import curator
    from tests.web.test_tenders import french_notice

    with django_db_blocker.unblock():
        user = curator(username=CURATOR, email=CURATOR)
        added = store_notice(read_notice(french_notice().encode(), "avis.txt"), user=user)
    yield str(added.public_id)
    with django_db_blocker.unblock():
        added.delete()
        user.delete()


# No test transaction: saving the form writes through the live server, which SQLite refuses
# while a test's transaction holds the write lock.
def test_a_curator_logs_in_and_edits_a_lot_by_keyboard(
    site: Site, page: Page, journey: Journey, tender: str
):
    page.goto(site.url_of("/tenders/"))
    journey.tab_to(page.locator("p.login-prompt a"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/account/login/\?next="))
    journey.tab_to(page.locator("#id_username"))
    page.keyboard.type(CURATOR)
    journey.tab_to(page.locator("#id_password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(site.url_of("/tenders/"))

    journey.tab_to(page.locator(f"a[href='/tenders/{tender}/']").first)
    page.keyboard.press("Enter")
    expect(page).to_have_url(site.url_of(f"/tenders/{tender}/"))
    journey.tab_to(page.locator("a[href$='/lots/1/edit/']"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(site.url_of(f"/tenders/{tender}/lots/1/edit/"))

    form = page.locator("form.lot-form")
    controls = form.locator("input:not([type=hidden]), select, textarea, button")
    expected = controls.evaluate_all(
        "elements => elements.map(element => element.id || element.textContent.trim())"
    )
    title = page.locator("#id_lot-title")
    journey.tab_to(title)  # the form's first control
    page.keyboard.type("Hébergement Nextcloud HDS, revu au clavier")  # Tab selected the text
    reached = ["id_lot-title"]
    deleted = page.locator("#id_requirements-1-DELETE")
    submit = form.get_by_role("button")
    while len(reached) <= len(expected):
        page.keyboard.press("Tab")
        focus = journey.note(submit)
        reached.append(focus["identity"])
        if focus["identity"] == deleted.get_attribute("id"):
            page.keyboard.press("Space")
            expect(deleted).to_be_checked()
        if focus["on_target"]:
            break
    assert reached == expected, (reached, expected)  # every control, in the page's order
    page.keyboard.press("Enter")

    expect(page).to_have_url(site.url_of(f"/tenders/{tender}/lots/1/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Hébergement Nextcloud HDS, revu au clavier"
    )
    expect(page.locator("table.requirements")).not_to_contain_text("Hébergeur de données de santé")


MEMBER_ORGANISATION = "atelier-partage-dax-exemple"


@pytest.fixture(scope="module")
def member(site: Site, django_db_blocker) -> Iterator[tuple[str, str]]:
    """A member of a demo organisation, at its web domain, committed so that the server thread
    sees it: (their address, the organisation's slug)."""
    from grappe.accounts.claims import website_host
    from grappe.accounts.models import Proposal
    from grappe.directory.models import Organisation
    from tests.accounts.conftest import member_of

    with django_db_blocker.unblock():
        organisation = Organisation.objects.get(slug=MEMBER_ORGANISATION)
        address = f"e2e-keyboard-member@{website_host(organisation.website)}"
        user = member_of(organisation, address)
    yield address, organisation.slug
    with django_db_blocker.unblock():
        Proposal.objects.filter(author=user).delete()
        user.delete()


# No test transaction: logging in and sending the form write through the live server.
def test_a_member_logs_in_and_proposes_a_change_by_keyboard(
    site: Site, page: Page, journey: Journey, member: tuple[str, str]
):
    address, slug = member
    page.goto(site.url_of("/"))
    journey.tab_to(page.locator("header a[href='/account/login/']"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(site.url_of("/account/login/"))
    journey.tab_to(page.locator("#id_username"))
    page.keyboard.type(address)
    journey.tab_to(page.locator("#id_password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(site.url_of("/account/"))

    journey.tab_to(page.locator(f"main a[href='/organisations/{slug}/manage/']"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(site.url_of(f"/organisations/{slug}/manage/"))
    journey.tab_to(page.locator(f"main a[href='/organisations/{slug}/edit/']"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(site.url_of(f"/organisations/{slug}/edit/"))

    journey.tab_to(page.locator("#id_legal_name"))
    page.keyboard.type("Atelier partagé de Dax, association")  # Tab selected the old name
    journey.tab_to(page.locator("form.entry-form button[type=submit]"))
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(re.escape(site.url_of("/account/proposals/")) + r"\d+/$"))
    expect(page.locator(".facts .status")).to_have_class(re.compile(r"\bstatus-pending\b"))
    expect(page.locator("table.diff")).to_contain_text("Atelier partagé de Dax, association")
