"""Members and curators in a real browser: sign up, confirm the address from the e-mail, claim
an organisation, propose a change to its profile, and see a curator approve or reject it; a
claim a curator must approve before its author may edit. Once in French without JavaScript,
once in English with it.

Each journey signs up with an address of its own (a fresh UUID), so that runs never collide,
and works on an organisation of its own from the demo data, so that journeys do not see each
other's proposals. The e-mails are read from Django's locmem outbox: the live server runs in
this process.

Words this part adds are found by their role, id, class or address rather than their words
where the French catalogue is not filled yet (English strings may show on French pages until
then); English pages are checked word for word where it matters to the user.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from tests.e2e.support import Site, playwright_api

if TYPE_CHECKING:
    from playwright.sync_api import Page

expect = playwright_api().expect
pytestmark = [pytest.mark.e2e]

# The site's login form asks for an e-mail address: the curator's username is its address.
CURATOR = "e2e-journeys-curator@example.org"
CURATOR_PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
PASSWORD = "une longue phrase de passe pour l'essai"
ELSEWHERE = "e2e-ailleurs.example.net"  # no demo organisation's web domain
# Organisations other browser tests read or change: the journeys leave them alone.
TAKEN = {
    "gironde-logiciels-libres-exemple",  # test_page_weight.RICHEST, test_accessibility
    "nuage-girondin-exemple",  # test_accessibility's member, test_tenders' teams
    "heberge-adour-exemple",  # test_tenders' teams
    "atelier-partage-dax-exemple",  # test_keyboard's member
}
JOURNEYS = pytest.mark.parametrize(
    ("language", "page"), [("", False), ("/en", True)], ids=["fr-no-js", "en-js"], indirect=["page"]
)
PROPOSAL = re.compile(r"/account/proposals/(\d+)/$")


@dataclass(frozen=True)
class Organisation:
    slug: str
    name: str
    domain: str  # its website's host, without www.


@pytest.fixture(scope="module")
def curator(site: Site, django_db_blocker) -> Iterator[str]:
    """A curator committed before any journey, so that the server thread sees it."""
    from tests.factories import curator

    with django_db_blocker.unblock():
        user = curator(username=CURATOR, email=CURATOR)
    yield CURATOR
    with django_db_blocker.unblock():
        user.delete()


@pytest.fixture(scope="module")
def organisations(site: Site, django_db_blocker) -> list[Organisation]:
    """Demo organisations with a website, for the journeys to take one each."""
    from grappe.accounts.claims import website_host
    from grappe.directory import models

    with django_db_blocker.unblock():
        found = (
            models.Organisation.objects.filter(website__endswith=".example.org")
            .exclude(slug__in=TAKEN)
            .order_by("pk")
        )
        return [Organisation(o.slug, o.name, website_host(o.website)) for o in found]


@pytest.fixture
def organisation(organisations: list[Organisation]) -> Organisation:
    assert organisations, "the demo data has no more organisation with a website to claim"
    return organisations.pop(0)


@pytest.fixture
def mailbox(settings) -> None:
    """E-mails kept in django.core.mail.outbox (pytest-django's test environment does so
    already); sign-ups from one address are not rate-limited here."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.GRAPPE_ACCOUNT_EMAILS_RATE = "1000/h"


def new_address(domain: str) -> str:
    return f"membre-{uuid.uuid4().hex[:12]}@{domain}"


def confirmation_link(site: Site, address: str) -> str:
    """The link of the one confirmation e-mail sent to this address, on the live server."""
    from django.core import mail

    sent = [message for message in mail.outbox if message.to == [address]]
    assert len(sent) == 1, [(message.to, message.subject) for message in mail.outbox]
    found = re.search(r"https?://\S+/account/confirm/\S+/", sent[0].body)
    assert found, sent[0].body
    parts = urlsplit(found.group(0))
    return site.url_of(parts.path)


def sign_up_and_confirm(page: Page, site: Site, language: str, address: str) -> None:
    page.goto(site.url_of(f"{language}/"))
    page.locator(f"header a[href='{language}/account/signup/']").click()
    expect(page).to_have_url(site.url_of(f"{language}/account/signup/"))
    page.locator("#id_email").fill(address)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_name").fill("Camille Essai")
    page.locator("form.account-form button[type=submit]").click()
    expect(page).to_have_url(site.url_of(f"{language}/account/signup/sent/"))

    link = confirmation_link(site, address)
    assert urlsplit(link).path.startswith(f"{language}/account/confirm/")  # in the page's language
    page.goto(link)
    expect(page).to_have_url(site.url_of(f"{language}/account/"))
    expect(page.locator("ul.messages .message-success")).to_have_count(1)
    expect(page.locator(".entry-meta")).to_contain_text(address)  # logged in as


def log_in(page: Page, site: Site, language: str, address: str, password: str) -> None:
    """From the header's link, as anyone would; the dashboard opens."""
    page.locator(f"header a[href='{language}/account/login/']").click()
    expect(page).to_have_url(site.url_of(f"{language}/account/login/"))
    page.locator("#id_username").fill(address)
    page.locator("#id_password").fill(password)
    page.locator("#id_password").press("Enter")
    expect(page).to_have_url(site.url_of(f"{language}/account/"))


def log_out(page: Page, site: Site, language: str) -> None:
    page.locator("header form[action$='/account/logout/'] button").click()
    expect(page).to_have_url(site.url_of(f"{language}/"))
    expect(page.locator(f"header a[href='{language}/account/login/']")).to_be_visible()


def claim(page: Page, site: Site, language: str, organisation: Organisation) -> None:
    """From the dashboard: search the organisation by name and claim it."""
    page.locator(f"main a[href='{language}/account/claim/']").click()
    expect(page).to_have_url(site.url_of(f"{language}/account/claim/"))
    page.locator("#claim-q").fill(organisation.name)
    page.locator("#claim-q").press("Enter")
    found = page.locator("ul.claim-results > li").filter(
        has=page.locator(f"a[href='{language}/organisations/{organisation.slug}/']")
    )
    expect(found).to_have_count(1)
    found.locator("textarea[name=message]").fill("Je m'occupe du site de la structure.")
    found.locator("button[type=submit]").click()
    expect(page).to_have_url(site.url_of(f"{language}/account/"))
    expect(page.locator("ul.messages .message-success")).to_contain_text(organisation.name)


def manage_link(page: Page, language: str, organisation: Organisation):
    return page.locator(f"main a[href='{language}/organisations/{organisation.slug}/manage/']")


def propose_a_description(
    page: Page, site: Site, language: str, organisation: Organisation, added: str
) -> int:
    """From the dashboard: the management page, the profile's form, a sentence added to its
    French description; answers the proposal's number."""
    manage_link(page, language, organisation).click()
    expect(page).to_have_url(site.url_of(f"{language}/organisations/{organisation.slug}/manage/"))
    page.locator(f"main a[href='{language}/organisations/{organisation.slug}/edit/']").click()
    expect(page).to_have_url(site.url_of(f"{language}/organisations/{organisation.slug}/edit/"))
    description = page.locator("#id_description_fr")
    description.fill(f"{description.input_value()}\n\n{added}".strip())
    page.locator("#id_note").fill("Nos horaires ont changé.")
    page.locator("form.entry-form button[type=submit]").click()

    expect(page).to_have_url(re.compile(re.escape(site.url_of(f"{language}/account/proposals/"))))
    sent = page.locator("ul.messages .message-success")
    expect(sent).to_have_count(1)
    if language == "/en":
        expect(sent).to_contain_text("Sent to the curators")
    expect(page.locator(".facts .status")).to_have_class(re.compile(r"\bstatus-pending\b"))
    if language == "/en":
        expect(page.locator(".facts .status")).to_have_text("Waiting for a curator")
    expect(page.locator("table.diff")).to_contain_text(added)
    return int(PROPOSAL.search(page.url).group(1))


def open_proposal_in_the_queue(page: Page, site: Site, language: str, number: int) -> None:
    page.locator(f"header a[href='{language}/curation/']").click()
    expect(page).to_have_url(site.url_of(f"{language}/curation/"))
    page.locator(f"a[href='{language}/curation/proposals/{number}/']").click()
    expect(page).to_have_url(site.url_of(f"{language}/curation/proposals/{number}/"))


def public_description(page: Page, site: Site, organisation: Organisation) -> str:
    """The description the French public page shows: the journeys edit the French field,
    which an English page does not show when the entry has an English description."""
    page.goto(site.url_of(f"/organisations/{organisation.slug}/"))
    return page.locator("main .description").first.inner_text()


def proposal_row(page: Page, language: str, number: int):
    return page.locator("table.proposals tbody tr").filter(
        has=page.locator(f"a[href='{language}/account/proposals/{number}/']")
    )


@pytest.mark.django_db  # reads only (this mark also has the test database set up)
def test_a_visitor_is_offered_to_sign_up_and_to_log_in(site: Site, page: Page) -> None:
    page.goto(site.url_of("/"))
    expect(page.locator("header a[href='/account/signup/']")).to_be_visible()
    page.locator("header a[href='/account/login/']").click()
    expect(page).to_have_url(site.url_of("/account/login/"))
    expect(page.locator("#id_username")).to_have_attribute("inputmode", "email")
    expect(page.locator("label[for=id_username]")).to_have_count(1)
    expect(page.locator("label[for=id_password]")).to_have_count(1)
    page.locator("main a[href='/account/signup/']").click()
    for field in ("email", "password1", "password2", "name"):
        expect(page.locator(f"label[for=id_{field}]")).to_have_count(1)
    page.goto(site.url_of("/account/"))  # the dashboard asks to log in first
    expect(page).to_have_url(site.url_of("/account/login/?next=/account/"))


@pytest.fixture(scope="module")
def back_office_account(site: Site, django_db_blocker) -> Iterator[str]:
    """A curator named as `createsuperuser` names accounts, without an e-mail address."""
    from tests.factories import curator

    with django_db_blocker.unblock():
        user = curator(username="E2e-Back-Office", email="e2e-back-office@example.org")
    yield user.username
    with django_db_blocker.unblock():
        user.delete()


def test_an_account_named_without_an_address_logs_in_on_the_site(
    site: Site, page: Page, back_office_account: str
) -> None:
    page.goto(site.url_of("/account/login/"))
    page.locator("#id_username").fill(back_office_account.lower())
    page.locator("#id_password").fill(CURATOR_PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page).to_have_url(site.url_of("/account/"), timeout=3000)


# No test transaction in the journeys: they write through the live server (accounts, sessions,
# proposals), which SQLite refuses while a test's transaction holds the write lock. What they
# write stays until the package's final flush.
@JOURNEYS
def test_sign_up_claim_propose_and_a_curator_approves(
    site: Site,
    page: Page,
    language: str,
    curator: str,
    organisation: Organisation,
    mailbox: None,
) -> None:
    address = new_address(organisation.domain)
    added = f"Permanence le mardi, note {uuid.uuid4().hex[:8]}."
    sign_up_and_confirm(page, site, language, address)

    claim(page, site, language, organisation)  # the address is at its web domain: approved
    expect(page.locator("#claims-title")).to_have_count(0)  # no claim left waiting
    number = propose_a_description(page, site, language, organisation, added)
    log_out(page, site, language)

    log_in(page, site, language, CURATOR, CURATOR_PASSWORD)
    open_proposal_in_the_queue(page, site, language, number)
    expect(page.locator("table.diff")).to_contain_text(added)
    page.locator("form.decision:not(:has(textarea)) button[type=submit]").click()
    expect(page).to_have_url(site.url_of(f"{language}/curation/"))
    expect(page.locator("ul.messages .message-success")).to_have_count(1)
    expect(page.locator(f"a[href='{language}/curation/proposals/{number}/']")).to_have_count(0)
    log_out(page, site, language)

    log_in(page, site, language, address, PASSWORD)
    status = proposal_row(page, language, number).locator(".status")
    expect(status).to_have_class(re.compile(r"\bstatus-approved\b"))
    if language == "/en":
        expect(status).to_have_text("Approved and published")
    assert added in public_description(page, site, organisation)


@JOURNEYS
def test_the_same_edit_rejected_with_its_reason(
    site: Site,
    page: Page,
    language: str,
    curator: str,
    organisation: Organisation,
    mailbox: None,
) -> None:
    address = new_address(organisation.domain)
    added = f"Ouvert le dimanche, note {uuid.uuid4().hex[:8]}."
    reason = "Le dimanche n'est pas sur votre site : ajoutez-le d'abord là-bas."
    before = public_description(page, site, organisation)
    sign_up_and_confirm(page, site, language, address)
    claim(page, site, language, organisation)
    number = propose_a_description(page, site, language, organisation, added)
    log_out(page, site, language)

    log_in(page, site, language, CURATOR, CURATOR_PASSWORD)
    open_proposal_in_the_queue(page, site, language, number)
    page.locator("#id_reject-reason").fill(reason)
    page.locator("form.decision:has(#id_reject-reason) button[type=submit]").click()
    expect(page).to_have_url(site.url_of(f"{language}/curation/"))
    expect(page.locator(f"a[href='{language}/curation/proposals/{number}/']")).to_have_count(0)
    log_out(page, site, language)

    log_in(page, site, language, address, PASSWORD)
    row = proposal_row(page, language, number)
    expect(row.locator(".status")).to_have_class(re.compile(r"\bstatus-rejected\b"))
    expect(row).to_contain_text(reason)
    row.locator("a").click()
    expect(page).to_have_url(site.url_of(f"{language}/account/proposals/{number}/"))
    expect(page.locator(".facts .status")).to_have_class(re.compile(r"\bstatus-rejected\b"))
    if language == "/en":
        expect(page.locator(".facts .status")).to_have_text("Rejected")
    expect(page.locator("section[aria-labelledby=reason-title] blockquote")).to_have_text(reason)
    expect(page.locator("form[action$='/withdraw/']")).to_have_count(0)  # decided: final
    assert public_description(page, site, organisation) == before


@JOURNEYS
def test_a_claim_from_another_domain_waits_for_a_curator(
    site: Site,
    page: Page,
    language: str,
    curator: str,
    organisation: Organisation,
    mailbox: None,
) -> None:
    address = new_address(ELSEWHERE)
    added = f"Nouvelle salle d'impression, note {uuid.uuid4().hex[:8]}."
    sign_up_and_confirm(page, site, language, address)
    claim(page, site, language, organisation)
    claims = page.locator("section[aria-labelledby=claims-title]")
    expect(claims.locator(".status")).to_have_class(re.compile(r"\bstatus-pending\b"))
    expect(claims).to_contain_text(organisation.name)
    expect(manage_link(page, language, organisation)).to_have_count(0)
    edit = site.url_of(f"{language}/organisations/{organisation.slug}/edit/")
    response = page.goto(edit)
    assert response is not None and response.status == 404  # not theirs yet
    page.goto(site.url_of(f"{language}/account/"))
    log_out(page, site, language)

    log_in(page, site, language, CURATOR, CURATOR_PASSWORD)
    page.locator(f"header a[href='{language}/curation/']").click()
    page.get_by_role("link", name=address, exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(site.url_of(f"{language}/curation/claims/"))))
    expect(page.get_by_role("heading", level=1)).to_contain_text(organisation.name)
    page.locator("form.decision:not(:has(textarea)) button[type=submit]").click()
    expect(page).to_have_url(site.url_of(f"{language}/curation/"))
    expect(page.get_by_role("link", name=address, exact=True)).to_have_count(0)
    log_out(page, site, language)

    log_in(page, site, language, address, PASSWORD)
    expect(page.locator("section[aria-labelledby=claims-title]")).to_have_count(0)
    number = propose_a_description(page, site, language, organisation, added)
    assert number > 0
