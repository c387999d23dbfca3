"""A coalition of need in a real browser: a town posts a need (after the similar needs are shown),
two more organisations join it, two companies answer, the town chooses one (the need is
funded) and marks it delivered with the released code; a visitor then reads it, with only the
amounts meant for everyone. Once in French without JavaScript, once in English with it.

The accounts are made in the database with approved memberships of demo organisations (the
member journeys test signing up and claiming); they log in through the site's form. No test
transaction: the journey writes through the live server, which SQLite refuses while a test's
transaction holds the write lock; what it writes stays until the package's final flush. Each
run has its own accounts and a need title of its own, so the two runs never meet.

Words this part adds are found by their id, class, role or address rather than their words on
French pages (the French catalogue is filled later); English pages are checked word for word
where it matters to the user.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from tests.e2e.support import Site, playwright_api

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

expect = playwright_api().expect
pytestmark = [pytest.mark.e2e]

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
# Organisations other browser tests read, change or claim (test_member_journeys.TAKEN, and the
# first ones with a website, which its journeys claim): this journey takes the last ones.
TAKEN = {
    "gironde-logiciels-libres-exemple",
    "nuage-girondin-exemple",
    "heberge-adour-exemple",
    "atelier-partage-dax-exemple",
}
JOURNEYS = pytest.mark.parametrize(
    ("language", "page"), [("", False), ("/en", True)], ids=["fr-no-js", "en-js"], indirect=["page"]
)
NEED_PATH = re.compile(r"/needs/([0-9a-f-]{36})/$")
CODE_URL = "https://git.example.org/coalition/vote-module"


@dataclass(frozen=True)
class Member:
    email: str
    organisation: str  # its name
    slug: str


@dataclass(frozen=True)
class Cast:
    poster: Member
    joiners: tuple[Member, Member]
    answerers: tuple[Member, Member]
    software: str


@pytest.fixture(scope="module")
def organisations(site: Site, django_db_blocker) -> list[tuple[str, str]]:
    """The last demo organisations by creation, away from the other journeys'."""
    from grappe.directory.models import Organisation

    with django_db_blocker.unblock():
        found = Organisation.objects.exclude(slug__in=TAKEN).order_by("-pk")[:20]
        return [(o.slug, o.name) for o in found]


@pytest.fixture(scope="module")
def software_name(site: Site, django_db_blocker) -> str:
    from grappe.directory.models import Software

    with django_db_blocker.unblock():
        return Software.objects.order_by("pk").values_list("name", flat=True)[0]


@pytest.fixture
def cast(
    request: pytest.FixtureRequest,
    organisations: list[tuple[str, str]],
    software_name: str,
    django_db_blocker,
) -> Iterator[Cast]:
    """Five members of five organisations, committed so that the server thread sees them:
    the poster, two joiners, two answering companies. Each run takes five organisations."""
    from grappe.directory.models import Organisation
    from tests.accounts.conftest import member_of

    assert len(organisations) >= 5, "the demo data has too few organisations for the journey"
    taken, organisations[:] = organisations[:5], organisations[5:]
    run = uuid.uuid4().hex[:8]
    members = []
    with django_db_blocker.unblock():
        for role, (slug, name) in zip(
            ("poster", "joiner-1", "joiner-2", "company-1", "company-2"), taken, strict=True
        ):
            email = f"needs-{role}-{run}@example.org"
            member_of(Organisation.objects.get(slug=slug), email)
            members.append(Member(email, name, slug))
    yield Cast(
        poster=members[0],
        joiners=(members[1], members[2]),
        answerers=(members[3], members[4]),
        software=software_name,
    )


def log_in(page: Page, site: Site, language: str, email: str, next_path: str) -> None:
    page.goto(site.url_of(f"{language}/account/login/?next={next_path}"))
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page).to_have_url(site.url_of(next_path))


def log_out(page: Page, site: Site, language: str) -> None:
    page.locator("header form[action$='/account/logout/'] button").click()
    expect(page).to_have_url(site.url_of(f"{language}/"))


def post_the_need(page: Page, site: Site, language: str, cast: Cast, title: str) -> str:
    """From the header's link to the board, then its "post a need": a first press shows the
    similar needs, a second posts. Answers the need's path."""
    page.locator(f"header a[href='{language}/needs/']").click()
    expect(page).to_have_url(site.url_of(f"{language}/needs/"))
    page.locator(f".need-actions a[href='{language}/needs/new/']").click()
    expect(page).to_have_url(site.url_of(f"{language}/needs/new/"))
    page.locator("#id_title").fill(title)
    page.locator("#id_description").fill(
        "Un module de **vote** pour nos budgets participatifs, accessible et sous licence libre."
    )
    page.locator("#id_kind").select_option("module")
    page.locator("#id_software").fill(cast.software)
    page.locator("#id_organisation").select_option(cast.poster.slug)
    page.locator("#id_amount").fill("20 000")
    page.locator("input[name=amount_visibility][value=public]").check()
    page.locator("#id_constraints").fill("Hébergé en France.")
    page.locator("button[name=action][value=preview]").click()

    expect(page.locator("section.similar-needs")).to_be_visible()
    expect(page.locator(".need-preview strong").first).to_have_text(title)
    if language == "/en":
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Check your need before posting it"
        )
    expect(page.locator("#id_title")).to_have_value(title)  # kept for the second press
    page.locator("button[name=action][value=post]").click()

    expect(page).to_have_url(
        re.compile(re.escape(site.url_of(f"{language}/needs/")) + "[0-9a-f-]{36}/$")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".entry-kind .need-status")).to_have_class(re.compile(r"need-status-open"))
    return NEED_PATH.search(page.url).group(0)


def join(page: Page, site: Site, language: str, path: str, member: Member, amount: str) -> None:
    """“We need it too”, for the member's organisation, its amount for the coalition only."""
    log_in(page, site, language, member.email, f"{language}{path}")
    form = page.locator("form.join-form")
    expect(form.locator("select[name=organisation]")).to_have_value(member.slug)
    form.locator("input[name=amount]").fill(amount)
    form.locator("input[name=amount_visibility][value=coalition]").check()
    form.locator("textarea[name=constraints]").fill("Avant la rentrée.")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(site.url_of(f"{language}{path}#coalition-title"))
    expect(page.locator("ul.messages .message-success")).to_contain_text(member.organisation)
    expect(page.locator("ul.pledges")).to_contain_text(member.organisation)
    expect(page.locator("form.join-form")).to_have_count(0)  # joined: its pledge form instead
    log_out(page, site, language)


def answer(
    page: Page, site: Site, language: str, path: str, member: Member, price: str, days: str
) -> None:
    log_in(page, site, language, member.email, f"{language}{path}")
    form = page.locator("form.answer-form")
    expect(form.locator("select[name=organisation]")).to_have_value(member.slug)
    form.locator("textarea[name=scope]").fill("Le module de vote, ses tests, sa documentation.")
    form.locator("input[name=price]").fill(price)
    form.locator("input[name=duration_days]").fill(days)
    form.locator("textarea[name=team]").fill("Deux développeuses.")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(site.url_of(f"{language}{path}#answers-title"))
    expect(page.locator("table.need-answers thead")).to_contain_text(member.organisation)
    log_out(page, site, language)


def watch_csp(page: Page) -> list[str]:
    """What the Content-Security-Policy blocked on the pages of the journey (console lines)."""
    blocked: list[str] = []

    def on_console(message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            blocked.append(message.text)

    page.on("console", on_console)
    return blocked


@pytest.mark.django_db  # reads only (this mark also has the test database set up)
def test_a_visitor_finds_the_board_beside_search_and_the_map(site: Site, page: Page) -> None:
    page.goto(site.url_of("/en/"))
    nav = page.get_by_role("navigation", name="Main")
    links = nav.get_by_role("link")
    expect(links.nth(0)).to_have_attribute("href", "/en/search/")
    expect(links.nth(1)).to_have_attribute("href", "/en/map/")
    expect(links.nth(2)).to_have_attribute("href", "/en/needs/")
    links.nth(2).click()
    expect(page).to_have_url(site.url_of("/en/needs/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs")
    expect(links.nth(2)).to_have_attribute("aria-current", "page")
    expect(page.locator(".need-actions a[href^='/en/account/login/']")).to_be_visible()


# No django_db mark on the journeys: they write through the live server (see the module's text).
@JOURNEYS
def test_post_join_answer_choose_fund_and_deliver(
    site: Site, page: Page, language: str, cast: Cast
) -> None:
    blocked = watch_csp(page)
    title = f"Module de vote pour {cast.software} {uuid.uuid4().hex[:6]}"
    page.goto(site.url_of(f"{language}/"))
    log_in(page, site, language, cast.poster.email, f"{language}/account/")
    path = post_the_need(page, site, language, cast, title)
    log_out(page, site, language)

    join(page, site, language, path, cast.joiners[0], "5 000")
    join(page, site, language, path, cast.joiners[1], "2 500,50")
    answer(page, site, language, path, cast.answerers[0], "24 000", "60")
    answer(page, site, language, path, cast.answerers[1], "21 500", "90")

    log_in(page, site, language, cast.poster.email, f"{language}{path}")
    expect(page.locator(".figures strong").first).to_have_text("3")  # the town and two more
    table = page.locator("table.need-answers")
    expect(table.locator("thead th[scope=col]")).to_have_count(2)
    expect(table.locator("tbody th[scope=row]")).to_have_count(7)  # six facts and the decision
    if language == "/en":
        expect(table.locator("caption")).to_have_text("2 answers compared side by side")
    choose = table.locator("form.choose button").nth(1)  # the second company's, cheaper
    expect(choose).to_contain_text(cast.answerers[1].organisation)  # its hidden words say whose
    choose.click()
    expect(page).to_have_url(site.url_of(f"{language}{path}"))
    expect(page.locator(".entry-kind .need-status")).to_have_class(re.compile("need-status-funded"))
    expect(page.locator(".need-funded")).to_contain_text(cast.answerers[1].organisation)
    if language == "/en":
        expect(page.locator(".entry-kind .need-status")).to_have_text("Funded")
    statuses = table.locator(".answer-status")
    expect(statuses.nth(0)).to_have_class(re.compile("answer-status-declined"))
    expect(statuses.nth(1)).to_have_class(re.compile("answer-status-chosen"))

    deliver = page.locator("form.deliver-form")
    deliver.locator("input[name=released_code_url]").fill("http://git.example.org/x")
    deliver.locator("button[type=submit]").click()  # refused: the code is given with https
    expect(page.locator("#deliver-released_code_url_error")).to_be_visible()
    deliver.locator("input[name=released_code_url]").fill(CODE_URL)
    deliver.locator("textarea[name=note]").fill("Publié sous AGPL.")
    deliver.locator("button[type=submit]").click()
    expect(page).to_have_url(site.url_of(f"{language}{path}"))
    expect(page.locator(".entry-kind .need-status")).to_have_class(
        re.compile("need-status-delivered")
    )
    expect(page.locator("a.released-code")).to_have_attribute("href", CODE_URL)
    if language == "/en":
        expect(page.locator(".need-delivered")).to_contain_text("Released code:")
    log_out(page, site, language)

    # A visitor: the public amount only, the coalition's counted as undisclosed; the board too.
    page.goto(site.url_of(f"{language}{path}"))
    expect(page.locator("a.released-code")).to_have_attribute("href", CODE_URL)
    pooled = page.locator(".need-pooled")
    expect(pooled).to_contain_text(re.compile(r"20[\s\u202f\u00a0,.]?000"))
    if language == "/en":
        expect(pooled).to_contain_text("€20,000 pooled and 2 undisclosed pledges")
    expect(page.locator("form.join-form, form.answer-form, form.deliver-form")).to_have_count(0)
    page.locator(f"header a[href='{language}/needs/']").click()
    page.locator(f"a[href='{language}/needs/?status=delivered']").click()
    item = page.locator("li.need-item").filter(has=page.locator(f"a[href='{language}{path}']"))
    expect(item).to_have_count(1)
    expect(item.locator(".need-status")).to_have_class(re.compile("need-status-delivered"))
    assert not blocked, blocked


@pytest.mark.parametrize("language", ["", "/en"], ids=["fr", "en"])
def test_the_needs_pages_pass_axe(
    site: Site, browser: Browser, language: str, cast: Cast, django_db_blocker
) -> None:
    """axe-core (tests/e2e/test_accessibility.py) on the board, a need with its coalition and
    answers as a visitor and as its decider, the suggested team, the form, the form with its
    errors, and a funded need with the deliver form: no serious or critical finding."""
    from decimal import Decimal

    from grappe.directory.models import Organisation
    from grappe.needs import services
    from tests.e2e.test_accessibility import check

    with django_db_blocker.unblock():
        users = {m.email: m for m in (cast.poster, *cast.joiners, *cast.answerers)}
        accounts = {email: _user(email) for email in users}
        organisation = {m.email: Organisation.objects.get(slug=m.slug) for m in users.values()}
        poster = cast.poster.email
        need = services.post_need(
            accounts[poster],
            organisation=organisation[poster],
            title=f"Hébergement HDS {uuid.uuid4().hex[:6]}",
            description="Trois hôpitaux cherchent un **hébergeur** certifié HDS.",
            kind="hosting",
            amount=Decimal("30000"),
            amount_visibility="public",
        )
        for joiner in cast.joiners:
            services.join(
                accounts[joiner.email],
                need,
                organisation[joiner.email],
                Decimal("4000"),
                "coalition",
                False,
                "En France.",
            )
        for price, company in zip(("18000", "21000"), cast.answerers, strict=True):
            services.answer(
                accounts[company.email],
                need,
                organisation[company.email],
                scope="Hébergement, sauvegardes, astreinte.",
                price=Decimal(price),
                duration_days=365,
                team="Trois administrateurs.",
            )
    path = f"{language}{need.get_absolute_url().removeprefix('/en')}"
    context = browser.new_context(locale="fr-FR", bypass_csp=True)  # axe is an inline script
    page = context.new_page()
    try:
        for address in (f"{language}/needs/", path, f"{path}team/"):
            response = page.goto(site.url_of(address))
            check(page, address, response.status)
        log_in(page, site, language, poster, path)
        check(page, f"{path} (its decider)", 200, who="member")
        page.goto(site.url_of(f"{language}/needs/new/"))
        check(page, f"{language}/needs/new/", 200, who="member")
        page.locator("#id_title").fill("Hébergement")
        page.locator("#id_description").fill("Un hébergeur.")
        page.locator("#id_amount").fill("-3")
        page.locator("button[name=action][value=preview]").click()
        expect(page.locator("#id_amount_error")).to_be_visible()
        check(page, f"{language}/needs/new/ (errors)", 400, who="member")
        page.goto(site.url_of(path))
        page.locator("table.need-answers form.choose button").first.click()
        expect(page.locator("form.deliver-form")).to_be_visible()
        # Read again without the "chosen" message: web/_messages.html puts role="status" on
        # its <ul>, which axe-core rightly reports (a list item outside a list), on any page.
        page.reload()
        check(page, f"{path} (funded, its decider)", 200, who="member")
    finally:
        context.close()


def _user(email: str):
    from django.contrib.auth.models import User

    return User.objects.get(username=email)
