"""axe-core in a real browser on every page a visitor, a member or a curator sees, in French
and in English: no serious or critical violation of its rules (WCAG 2.1 A and AA, and its best
practices).

axe-core is a test asset, vendored from npm by bin/vendor-test-assets into tests/e2e/vendor/ and
injected by Playwright into each page after it has loaded (the map once its markers are
drawn). The site never serves it.

Pages: every kind of public page on the demo data (home, search without and with a query and
with facets, map, organisation, software, offering, person, event, the calls for tenders, a
tender, its printable version, a lot with its members and teams, the observatory when it
exists, a page not found), and the pages a curator works in, logged in: the back office's
index, an organisation's change form, the imports upload page, the duplicates review list, a
tender's lot edit form, the tenders page with its notice form, an organisation's watch page and
the edit form of one of its watches, the back office's login page, and the curators' queue,
a proposal and a claim under review, and the profiles to be confirmed.

The account pages a visitor reaches (login, sign-up and its "check your mailbox" page, a new
confirmation link, the password reset and its answers) and every page of a member, logged in:
the dashboard, claiming an organisation, the password, API tokens, personal data, deleting the
account, managing a profile, the forms of the profile and of each kind of entry (new and
edited), removing an entry, a proposal waiting and a proposal rejected with its reason. Forms
are also audited as they come back from a POST: with their errors tied to the fields, the
conflict page (409: someone changed the profile since the form was opened), and the page that
shows a new API key once.

axe-core is injected as an inline script, which the site's Content-Security-Policy rightly
refuses: the browser contexts of this module bypass the CSP (tests/e2e/test_csp.py checks it).

Run with -s to see the moderate and minor findings too (they are not failures).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

from tests.e2e.support import TIMEOUT_MS, Site, new_page, playwright_api
from tests.e2e.test_page_weight import RICHEST

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Response

expect = playwright_api().expect
pytestmark = [pytest.mark.e2e]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
FAILING = ("serious", "critical")
# The site's login form asks for an e-mail address: accounts are named by theirs.
CURATOR = "e2e-accessibility-curator@example.org"
# At the web domain of the organisation they speak for, as a member who claimed it would be.
MEMBER = "e2e-accessibility-member@nuage-girondin.example.org"
CLAIMANT = "e2e-accessibility-claimant@elsewhere.example.net"
PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
LANGUAGES = {"fr": "", "en": "/en"}
MEMBER_ORGANISATION = "nuage-girondin-exemple"
# Sign-ups and e-mails per client: the module posts a few sign-up forms from one address.
EMAILS_RATE = "1000/h"

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
    the duplicates list, a member with an offering to edit, a proposal waiting and one
    rejected, a claim waiting, a profile to be confirmed, and the logged-in browser states of
    a curator and of the member."""

    tender: str
    watch_organisation: str
    watch: int
    organisation_pk: int
    offering: int
    proposal: int
    rejected: int
    claim: int
    claim_query: str
    curator_state: dict[str, Any]
    member_state: dict[str, Any]


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
        "dashboard, curator": "/account/",
        "curation queue": "/curation/",
        "curation proposal": f"/curation/proposals/{world.proposal}/",
        "curation proposal, decided": f"/curation/proposals/{world.rejected}/",
        "curation claim": f"/curation/claims/{world.claim}/",
        "stale list": "/curation/stale/",
        "edit organisation, curator": f"/organisations/{world.watch_organisation}/edit/",
    }


# The account pages of someone not logged in: {name: (path, status)}.
VISITOR_ACCOUNT_PAGES: dict[str, tuple[str, int]] = {
    "login": ("/account/login/", 200),
    "sign-up": ("/account/signup/", 200),
    "sign-up, mail sent": ("/account/signup/sent/", 200),
    "new confirmation link": ("/account/confirm/resend/", 200),
    "confirmation link, invalid": ("/account/confirm/MA/not-a-token/", 400),
    "password reset": ("/account/password/reset/", 200),
    "password reset, mail sent": ("/account/password/reset/sent/", 200),
    "password reset, invalid link": ("/account/password/reset/MA/not-a-token/", 400),
}


def _member_paths(world: World) -> dict[str, str]:
    profile = f"/organisations/{world.watch_organisation}/"
    return {
        "dashboard": "/account/",
        "claim": "/account/claim/",
        "claim, results": f"/account/claim/?q={quote(world.claim_query)}",
        "password change": "/account/password/",
        "API tokens": "/account/tokens/",
        "my data": "/account/data/",
        "delete account": "/account/delete/",
        "manage organisation": profile + "manage/",
        "edit organisation": profile + "edit/",
        "new offering": profile + "offering/new/",
        "new certification": profile + "certification/new/",
        "new reference": profile + "reference/new/",
        "new person": profile + "person/new/",
        "edit offering": profile + f"offering/{world.offering}/edit/",
        "remove offering": profile + f"offering/{world.offering}/remove/",
        "proposal, waiting": f"/account/proposals/{world.proposal}/",
        "proposal, rejected": f"/account/proposals/{world.rejected}/",
    }


PUBLIC = [
    "home", "search", "search, query", "search, query and facets", "search, facet alone", "map",
    *RICHEST, "tenders", "tender", "tender, printable", "lot, members and teams", "observatory",
    "not found",
]  # fmt: skip
CURATOR_PAGES = [
    "admin index", "admin organisation form", "imports upload", "duplicates review list",
    "lot edit form", "tenders, notice form", "watch page", "watch edit form",
    "dashboard, curator", "curation queue", "curation proposal", "curation proposal, decided",
    "curation claim", "stale list", "edit organisation, curator",
]  # fmt: skip
MEMBER_PAGES = [
    "dashboard", "claim", "claim, results", "password change", "API tokens", "my data",
    "delete account", "manage organisation", "edit organisation", "new offering",
    "new certification", "new reference", "new person", "edit offering", "remove offering",
    "proposal, waiting", "proposal, rejected",
]  # fmt: skip


def log_in(browser: Browser, site: Site, username: str) -> dict[str, Any]:
    """The browser state of an account logged in through the site's own login page."""
    page = new_page(browser)
    page.goto(site.url_of("/account/login/"))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page).to_have_url(site.url_of("/account/"))
    state = page.context.storage_state()
    page.context.close()
    return state


def _edit(user, organisation, model, instance, note: str = "", **changes):
    """A member's edit made as the edit page makes it: a proposal waiting for a curator."""
    from grappe.accounts import moderation
    from grappe.accounts.editing import current_data

    data = current_data(model, organisation, instance)
    data.update(changes)
    seen = moderation.Seen.of(instance)
    outcome = moderation.save_edit(user, organisation, model, instance, data, seen, note)
    assert outcome.proposal is not None, outcome.form.errors
    return outcome.proposal


@pytest.fixture(scope="module")
def world(site: Site, browser: Browser, django_db_blocker) -> Iterator[World]:
    """Committed before the pages are read, so that the server thread sees it; removed after."""
    from datetime import timedelta

    from django.test import override_settings
    from django.utils import timezone

    from grappe.accounts import claims, moderation, tokens
    from grappe.accounts.models import Profile, Proposal, TokenScope
    from grappe.directory.models import DuplicateCandidate, Organisation
    from grappe.tenders.models import Watch
    from grappe.tenders.notices import read_notice
    from grappe.tenders.storing import store_notice
    from tests.accounts.conftest import member_of
    from tests.factories import UserFactory, curator
    from tests.web.test_tenders import french_notice

    with django_db_blocker.unblock():
        user = curator(username=CURATOR, email=CURATOR)
        tender = store_notice(read_notice(french_notice().encode(), "avis.txt"), user=user)
        organisation = Organisation.objects.get(slug=MEMBER_ORGANISATION)
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
        # The member's organisation is to be confirmed: the dashboard and the management
        # page show their warnings and the button that confirms it.
        confirmed_at = organisation.confirmed_at
        Organisation.objects.filter(pk=organisation.pk).update(
            confirmed_at=timezone.now() - timedelta(days=800)
        )
        member = member_of(organisation, MEMBER)
        offering = organisation.offerings.order_by("pk").first()
        assert offering is not None, f"{MEMBER_ORGANISATION} has no offering in the demo"
        waiting = _edit(
            member,
            organisation,
            Organisation,
            organisation,
            note="Nouvelle adresse de l'équipe support.",
            description_fr=f"{organisation.description_fr}\n\nSupport joignable 7 jours sur 7.",
        )
        rejected = _edit(
            member, organisation, type(offering), offering, title=f"{offering.title} (revu)"
        )
        moderation.reject(user, rejected, "Le titre dit déjà ce que fait l'offre.")
        tokens.issue(member, "Synchronisation CRM", [TokenScope.PROFILES_WRITE])
        claimant = UserFactory(username=CLAIMANT, email=CLAIMANT, first_name="Camille")
        claimant.save()
        Profile.objects.create(user=claimant, email_confirmed_at=timezone.now())
        claimed = others.last()
        claim = claims.claim(claimant, claimed, "Je suis la gérante de cette structure.")
    curator_state = log_in(browser, site, CURATOR)
    member_state = log_in(browser, site, MEMBER)
    with override_settings(GRAPPE_ACCOUNT_EMAILS_RATE=EMAILS_RATE):
        yield World(
            tender=str(tender.public_id),
            watch_organisation=organisation.slug,
            watch=watch.pk,
            organisation_pk=organisation.pk,
            offering=offering.pk,
            proposal=waiting.pk,
            rejected=rejected.pk,
            claim=claim.pk,
            claim_query="exemple",
            curator_state=curator_state,
            member_state=member_state,
        )
    with django_db_blocker.unblock():
        Proposal.objects.filter(author__in=[member, user]).delete()
        Organisation.objects.filter(pk=organisation.pk).update(confirmed_at=confirmed_at)
        pair.delete()
        watch.delete()
        tender.delete()
        for account in (claimant, member, user):
            account.delete()


@pytest.fixture(scope="module")
def contexts(browser: Browser, world: World) -> Iterator[dict[str, BrowserContext]]:
    """One browser context for a visitor, one for the logged-in member and one for the
    logged-in curator, French preferred, each page of the module opened in a new tab of one of
    them. They bypass the Content-Security-Policy, which refuses axe-core's inline script."""
    made = {
        "visitor": browser.new_context(locale="fr-FR", bypass_csp=True),
        "member": browser.new_context(
            locale="fr-FR", bypass_csp=True, storage_state=world.member_state
        ),
        "curator": browser.new_context(
            locale="fr-FR", bypass_csp=True, storage_state=world.curator_state
        ),
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


def _report(url: str, violations: list[dict[str, Any]], who: str) -> None:
    """One line per audited page: its address, who saw it, and each finding's rule and
    impact."""
    if os.environ.get(REPORT):
        line = {
            "url": url,
            "who": who,
            "violations": [[v["id"], v["impact"]] for v in violations],
        }
        with open(os.environ[REPORT], "a", encoding="utf-8") as file:
            file.write(json.dumps(line) + "\n")


def check(
    page: Page,
    what: str,
    status: int,
    *,
    who: str = "visitor",
    exceptions: dict[str, tuple[str, str]] | None = None,
) -> None:
    """axe-core on the page as it stands: no serious or critical finding."""
    violations = axe(page, exceptions=exceptions)
    _report(what, violations, who)
    failing = [violation for violation in violations if violation["impact"] in FAILING]
    others = [violation for violation in violations if violation["impact"] not in FAILING]
    if others:
        print(f"\n{what} (HTTP {status}), not failing:\n{described(others)}")
    assert not failing, f"{what} (HTTP {status}):\n{described(failing)}"


def audit(
    page: Page,
    url: str,
    *,
    status: int = 200,
    who: str = "visitor",
    exceptions: dict[str, tuple[str, str]] | None = None,
) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None
    assert response.status == status, (url, response.status)
    assert page.url == url, f"{url} sent the browser to {page.url}"  # not to the login form
    if "/map/" in url:
        expect(page.locator("#map[data-markers]")).to_have_count(1)  # markers drawn
    check(page, url, response.status, who=who, exceptions=exceptions)


# Reading public pages writes nothing: a test transaction is harmless.
@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PUBLIC)
def test_public_page(
    site: Site, contexts: dict[str, BrowserContext], world: World, name: str, language: str
) -> None:
    path = _public_paths(site, world)[name]
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
        url = site.url_of(LANGUAGES[language] + path)
        audit(page, url, who="curator", exceptions=exceptions)
    finally:
        page.close()


def test_back_office_login_page(site: Site, contexts: dict[str, BrowserContext]) -> None:
    """The back office's own login form; in French only (the form is Django's, the words
    translated)."""
    page = contexts["visitor"].new_page()
    try:
        audit(page, site.url_of("/admin/login/"), exceptions=ADMIN_EXCEPTIONS)
    finally:
        page.close()


# Like the curator's pages, without a test transaction: logging in and out writes sessions.
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", VISITOR_ACCOUNT_PAGES)
def test_account_page_of_a_visitor(
    site: Site, contexts: dict[str, BrowserContext], world: World, name: str, language: str
) -> None:
    path, status = VISITOR_ACCOUNT_PAGES[name]
    page = contexts["visitor"].new_page()
    try:
        audit(page, site.url_of(LANGUAGES[language] + path), status=status)
    finally:
        page.close()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_member_page(
    site: Site, contexts: dict[str, BrowserContext], world: World, name: str, language: str
) -> None:
    path = _member_paths(world)[name]
    page = contexts["member"].new_page()
    try:
        audit(page, site.url_of(LANGUAGES[language] + path), who="member")
    finally:
        page.close()


# Forms as they come back from a POST ------------------------------------------------------


def submitted(page: Page, button: str) -> Response:
    """The answer to the form sent by this button."""
    with page.expect_navigation() as navigation:
        page.locator(button).click()
    response = navigation.value
    assert response is not None
    return response


def sign_up_twice_the_same_password_mistyped(page: Page) -> Response:
    page.locator("#id_email").fill("e2e-accessibility-mistyped@example.net")
    page.locator("#id_password1").fill("une phrase de passe assez longue")
    page.locator("#id_password2").fill("une autre phrase de passe")
    return submitted(page, "form.account-form button[type=submit]")


def log_in_with_a_wrong_password(page: Page) -> Response:
    page.locator("#id_username").fill("e2e-accessibility-nobody@example.net")
    page.locator("#id_password").fill("not the password")
    return submitted(page, "form.account-form button[type=submit]")


def ask_for_a_token_that_may_do_nothing(page: Page) -> Response:
    page.locator("#id_name").fill("Sans droits")
    return submitted(page, "form.account-form button[type=submit]")


def ask_for_a_token(page: Page) -> Response:
    page.locator("#id_name").fill("Export nocturne")
    page.locator("input[name=scopes]").first.check()
    return submitted(page, "form.account-form button[type=submit]")


def propose_a_siren_that_fails_its_checksum(page: Page) -> Response:
    page.locator("#id_siren").fill("123456789")
    return submitted(page, "form.entry-form button[type=submit]")


def reject_without_a_reason(page: Page) -> Response:
    # The reason field is required: the browser would refuse to send it empty.
    page.locator("#id_reject-reason").evaluate("field => field.removeAttribute('required')")
    return submitted(page, "form.decision:has(#id_reject-reason) button[type=submit]")


# {name: (who, path, what is done on the page, expected status, what the answer shows)}
SUBMISSIONS: dict[str, tuple[str, str, Callable[[Page], Response], int, str]] = {
    "sign-up, errors": (
        "visitor", "/account/signup/", sign_up_twice_the_same_password_mistyped, 200,
        "#id_password2[aria-invalid=true]",
    ),
    "login, errors": (
        "visitor", "/account/login/", log_in_with_a_wrong_password, 200, ".errorlist",
    ),
    "API tokens, errors": (
        "member", "/account/tokens/", ask_for_a_token_that_may_do_nothing, 200, ".errorlist",
    ),
    "API token created": ("member", "/account/tokens/", ask_for_a_token, 200, "#new-token"),
    "edit organisation, errors": (
        "member", f"/organisations/{MEMBER_ORGANISATION}/edit/",
        propose_a_siren_that_fails_its_checksum, 400, "#id_siren[aria-invalid=true]",
    ),
    "curation proposal, errors": (
        "curator", "/curation/proposals/{proposal}/", reject_without_a_reason, 400,
        "#id_reject-reason[aria-invalid=true]",
    ),
}  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", SUBMISSIONS)
def test_form_answer(
    site: Site, contexts: dict[str, BrowserContext], world: World, name: str, language: str
) -> None:
    who, path, act, status, shown = SUBMISSIONS[name]
    url = site.url_of(LANGUAGES[language] + path.format(proposal=world.proposal))
    page = contexts[who].new_page()
    try:
        page.goto(url)
        response = act(page)
        assert response.status == status, (name, response.url, response.status)
        expect(page.locator(shown).first).to_be_visible()
        check(page, f"{url} ({name})", response.status, who=who)
    finally:
        page.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_conflict_page(
    site: Site,
    contexts: dict[str, BrowserContext],
    world: World,
    language: str,
    django_db_blocker,
) -> None:
    """The member opens the profile's form; a curator publishes a change meanwhile; the
    member's save answers 409 with both versions."""
    from grappe.directory.models import Organisation

    url = site.url_of(f"{LANGUAGES[language]}/organisations/{world.watch_organisation}/edit/")
    page = contexts["member"].new_page()
    changed = Organisation.objects.filter(pk=world.organisation_pk)
    with django_db_blocker.unblock():
        before = changed.values_list("legal_name", flat=True).get()
    try:
        page.goto(url)
        with django_db_blocker.unblock():
            changed.update(legal_name=f"{before} (changée entre-temps)")
        page.locator("#id_legal_name").fill(f"{before} (selon le membre)")
        response = submitted(page, "form.entry-form button[type=submit]")
        assert response.status == 409, (response.url, response.status)
        expect(page.locator("form.entry-form #id_legal_name")).to_have_value(
            f"{before} (selon le membre)"
        )
        check(page, f"{url} (conflict)", response.status, who="member")
    finally:
        page.close()
        with django_db_blocker.unblock():
            changed.update(legal_name=before)
