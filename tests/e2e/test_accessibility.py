"""axe-core in a real browser on every page a visitor or a curator sees, in French and in English:
no serious or critical violation of its rules (WCAG 2.1 A and AA, and its best practices).

axe-core is a test asset, vendored from npm by bin/vendor-test-assets into tests/e2e/vendor/ and
injected by Playwright into each page after it has loaded (the map once its markers are
drawn). The site never serves it.

Pages: every kind of public page on the demo data (home, search without and with a query and
with facets, map, organisation, software, offering, person, event, the calls for tenders, a
tender, its printable version, a lot with its members and teams, the observatory when it
exists, a page not found), and the pages a curator works in, logged in: the back office's
index, an organisation's change form, the imports upload page, the duplicates review list, a
tender's lot edit form, the tenders page with its notice form, an organisation's watch page and
the edit form of one of its watches, and the login page. Member account pages (self-service
edits) do not exist yet: they belong to the accounts issue, and join this list with it.

Run with -s to see the moderate and minor findings too (they are not failures).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.support import TIMEOUT_MS, Site, new_page, playwright_api
from tests.e2e.test_page_weight import RICHEST

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

expect = playwright_api().expect
pytestmark = [pytest.mark.e2e]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
FAILING = ("serious", "critical")
CURATOR = "e2e-accessibility-curator"
PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
LANGUAGES = {"fr": "", "en": "/en"}

# On the back office's pages only, rules that are not run inside markup Django's admin writes
# and Grappe does not (everywhere else on those pages they are): {rule: (where, why)}.
# The rows of a tabular inline (an organisation's offerings, certifications, references...)
# are a table whose inputs have no label of their own, only their column's header: Django
# ticket #36509, "Missing label on input fields in tables" (open in Django 5.2). Overriding
# admin/edit_inline/tabular.html would mean a copy of Django's template to keep in step.
TABULAR_INLINE_ROWS = ".inline-group .tabular tbody"
WHY_INLINES = "Django's tabular inline inputs are labelled by their column only (ticket #36509)"
ADMIN_EXCEPTIONS: dict[str, tuple[str, str]] = {
    "label": (TABULAR_INLINE_ROWS, WHY_INLINES),
    "select-name": (TABULAR_INLINE_ROWS, WHY_INLINES),
    "label-title-only": (TABULAR_INLINE_ROWS, WHY_INLINES),
}


@dataclass
class World:
    """What the pages below need beside the demo: a tender with its lots, a watch, a pair on
    the duplicates list, and a curator's logged-in browser state."""

    tender: str
    watch_organisation: str
    watch: int
    organisation_pk: int
    curator_state: dict[str, Any]


def _public_paths(site: Site, world: World) -> dict[str, str]:
    entries = {
        kind: path if path in site.entries[kind] else site.entries[kind][0]
        for kind, path in RICHEST.items()
    }
    tender = f"/tenders/{world.tender}/"
    return {
        "home": "/",
        "search": "/search/",
        "search, query": "/search/?q=nextcloud",
        "search, query and facets": "/search/?q=nextcloud&offering_kind=hosting&sovereign=yes",
        "search, facet alone": "/search/?kind=organisation&departement=64",
        "map": "/map/?q=fab+lab",
        **entries,
        "tenders": "/tenders/",
        "tender": tender,
        "tender, printable": tender + "print/",
        "lot, members and teams": tender + "lots/1/",
        "observatory": "/observatory/",
        "not found": "/organisations/nobody-here/",
    }


def _curator_paths(world: World) -> dict[str, str]:
    watch = f"/tenders/watch/{world.watch_organisation}/"
    return {
        "admin index": "/admin/",
        "admin organisation form": f"/admin/directory/organisation/{world.organisation_pk}/change/",
        "imports upload": "/admin/imports/",
        "duplicates review list": "/admin/directory/duplicatecandidate/",
        "lot edit form": f"/tenders/{world.tender}/lots/1/edit/",
        "tenders, notice form": "/tenders/",
        "watch page": watch,
        "watch edit form": f"{watch}{world.watch}/edit/",
    }


PUBLIC = [
    "home", "search", "search, query", "search, query and facets", "search, facet alone", "map",
    *RICHEST, "tenders", "tender", "tender, printable", "lot, members and teams", "observatory",
    "not found",
]  # fmt: skip
CURATOR_PAGES = [
    "admin index", "admin organisation form", "imports upload", "duplicates review list",
    "lot edit form", "tenders, notice form", "watch page", "watch edit form",
]  # fmt: skip


@pytest.fixture(scope="module")
def world(site: Site, browser: Browser, django_db_blocker) -> Iterator[World]:
    """Committed before the pages are read, so that the server thread sees it; removed after."""
    from grappe.directory.models import DuplicateCandidate, Organisation
    from grappe.tenders.models import Watch
    from grappe.tenders.notices import read_notice
    from grappe.tenders.storing import store_notice
    from tests.factories import curator
    from tests.web.test_tenders import french_notice

    with django_db_blocker.unblock():
        user = curator(username=CURATOR)
        tender = store_notice(read_notice(french_notice().encode(), "avis.txt"), user=user)
        organisation = Organisation.objects.get(slug="nuage-girondin-exemple")
        watch = Watch.objects.create(
            organisation=organisation,
            name="Hébergement",
            cpv_codes=["72400000"],
            keywords=["nextcloud", "sauvegarde"],
        )
        others = Organisation.objects.exclude(pk=organisation.pk).order_by("pk")
        pair = DuplicateCandidate.objects.create(
            organisation=organisation,
            other_organisation=others.first(),
            reason="Same website",
            source="test_accessibility",
        )
    page = new_page(browser)
    page.goto(site.url_of("/admin/login/?next=/admin/"))
    page.locator("#id_username").fill(CURATOR)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page).to_have_url(site.url_of("/admin/"))
    state = page.context.storage_state()
    page.context.close()
    yield World(
        tender=str(tender.public_id),
        watch_organisation=organisation.slug,
        watch=watch.pk,
        organisation_pk=organisation.pk,
        curator_state=state,
    )
    with django_db_blocker.unblock():
        pair.delete()
        watch.delete()
        tender.delete()
        user.delete()


@pytest.fixture(scope="module")
def contexts(browser: Browser, world: World) -> Iterator[dict[str, BrowserContext]]:
    """One browser context for a visitor and one for the logged-in curator, French preferred,
    each page of the module opened in a new tab of one of them."""
    made = {
        "visitor": browser.new_context(locale="fr-FR"),
        "curator": browser.new_context(locale="fr-FR", storage_state=world.curator_state),
    }
    for context in made.values():
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
    yield made
    for context in made.values():
        context.close()


def axe(page: Page, *, exceptions: dict[str, tuple[str, str]] | None = None) -> list[dict]:
    """axe-core's violations on the page as it stands. The rules in `exceptions` are run apart,
    on the whole page but the elements their selector names."""
    page.add_script_tag(path=str(AXE))
    exceptions = exceptions or {}
    apart: dict[str, list[str]] = {}
    for rule, (where, _why) in exceptions.items():
        apart.setdefault(where, []).append(rule)
    runs: list[tuple[list[str], dict[str, Any]]] = [
        ([], {"rules": {rule: {"enabled": False} for rule in exceptions}})
    ]
    for where, rules in apart.items():
        runs.append(([where], {"runOnly": {"type": "rule", "values": rules}}))
    violations = []
    for exclude, options in runs:
        violations += page.evaluate(
            """async ([exclude, options]) => {
                const found = await axe.run(
                    {include: [document], exclude}, {...options, resultTypes: ["violations"]},
                );
                return found.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => ({
                        target: n.target.join(" "), summary: n.failureSummary,
                    })),
                }));
            }""",
            [exclude, options],
        )
    return violations


def described(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['impact']}: {violation['id']} ({violation['help']})")
        for node in violation["nodes"][:5]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}: {summary}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


REPORT = "GRAPPE_AXE_REPORT"  # where bench/accessibility.py asks for the findings, as JSON lines


def _report(url: str, violations: list[dict[str, Any]]) -> None:
    """One line per audited page: its address and each finding's rule and impact."""
    if os.environ.get(REPORT):
        line = {"url": url, "violations": [[v["id"], v["impact"]] for v in violations]}
        with open(os.environ[REPORT], "a", encoding="utf-8") as file:
            file.write(json.dumps(line) + "\n")


def audit(
    page: Page,
    url: str,
    *,
    status: int = 200,
    exceptions: dict[str, tuple[str, str]] | None = None,
) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None
    assert response.status == status, (url, response.status)
    assert page.url == url, f"{url} sent the browser to {page.url}"  # not to the login form
    if "/map/" in url:
        expect(page.locator("#map[data-markers]")).to_have_count(1)  # markers drawn
    violations = axe(page, exceptions=exceptions)
    _report(url, violations)
    failing = [violation for violation in violations if violation["impact"] in FAILING]
    others = [violation for violation in violations if violation["impact"] not in FAILING]
    if others:
        print(f"\n{url} (HTTP {response.status}), not failing:\n{described(others)}")
    assert not failing, f"{url} (HTTP {response.status}):\n{described(failing)}"


# Reading public pages writes nothing: a test transaction is harmless.
@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PUBLIC)
def test_public_page(
    site: Site, contexts: dict[str, BrowserContext], world: World, name: str, language: str
) -> None:
    path = _public_paths(site, world)[name]
    if name == "observatory":
        from django.urls import Resolver404, resolve

        try:
            resolve(path)
        except Resolver404:
            pytest.skip("/observatory/ does not resolve yet: the observatory is not built")
    page = contexts["visitor"].new_page()
    try:
        status = 404 if name == "not found" else 200
        audit(page, site.url_of(LANGUAGES[language] + path), status=status)
    finally:
        page.close()


# No test transaction: SQLite's IMMEDIATE transactions would keep the server thread from
# opening its own, which the back office's change forms do (django-reversion) even to read.
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", CURATOR_PAGES)
def test_curator_page(
    site: Site, contexts: dict[str, BrowserContext], world: World, name: str, language: str
) -> None:
    path = _curator_paths(world)[name]
    page = contexts["curator"].new_page()
    try:
        exceptions = ADMIN_EXCEPTIONS if path.startswith("/admin/") else None
        audit(page, site.url_of(LANGUAGES[language] + path), exceptions=exceptions)
    finally:
        page.close()


def test_login_page(site: Site, contexts: dict[str, BrowserContext]) -> None:
    """What a curator sees first; in French only (the form is Django's, the words translated)."""
    page = contexts["visitor"].new_page()
    try:
        audit(page, site.url_of("/admin/login/"), exceptions=ADMIN_EXCEPTIONS)
    finally:
        page.close()
