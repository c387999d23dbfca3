"""The needs pages: the board and its facets without JavaScript, posting after seeing similar
needs, a need's page (who joined, the pooled budget each viewer may see, answers compared side
by side, choosing, delivering, the curators' merge, archived needs), follows and feeds, and the
dashboard's needs section, in French and English; and a refusal on every write path, with
nothing stored.

Pages are French by default in these tests: assertions use field names, addresses, classes
and data, or English pages under /en/.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from grappe.accounts.models import Profile
from grappe.directory.models import Organisation, OrganisationKind
from grappe.needs import services
from grappe.needs.models import (
    Answer,
    AnswerStatus,
    Follow,
    Need,
    NeedStatus,
    Pledge,
    Visibility,
)
from tests.accounts.conftest import member_of
from tests.factories import (
    CategoryFactory,
    OrganisationFactory,
    SoftwareFactory,
    UserFactory,
    curator,
)
from tests.web.conftest import assert_well_outlined

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def url(name: str, *args, lang: str = "fr", **kwargs) -> str:
    """The page's address in that language (reverse alone follows the thread's language)."""
    with translation.override(lang):
        return reverse(name, args=args or None, kwargs=kwargs or None)


def need_url(need: Need, suffix: str = "", lang: str = "fr") -> str:
    name = f"web:need_{suffix}" if suffix else "web:need"
    return url(name, lang=lang, public_id=need.public_id)


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _french_first():
    """French, as a visitor without a prefix gets; a request to /en/ leaves English active in
    the test's thread, which the next test's reverse() would follow."""
    translation.activate("fr")
    yield
    translation.activate("fr")


def error_tied(html: str, field_id: str) -> bool:
    """The field's error is shown and the input names it in aria-describedby."""
    return f'id="{field_id}_error"' in html and bool(
        re.search(rf'aria-describedby="[^"]*\b{re.escape(field_id)}_error\b', html)
    )


def main_of(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


# The world ---------------------------------------------------------------------------------------


class World:
    """Two buyers that need the same thing, two companies that answer, their members, a person
    with no organisation, a curator, and a software."""

    def __init__(self) -> None:
        self.software = SoftwareFactory(name="Decidim", slug="decidim")
        self.category = CategoryFactory(slug="participation", name_fr="Participation")
        self.town = OrganisationFactory(
            name="Mairie de Pessac", kind=OrganisationKind.PUBLIC_BODY, postcode="33600"
        )
        self.hospital = OrganisationFactory(
            name="CHU de Bordeaux", kind=OrganisationKind.PUBLIC_BODY, postcode="33000"
        )
        self.acme = OrganisationFactory(name="Acme Libre", postcode="33400")
        self.logilibre = OrganisationFactory(name="Logilibre", postcode="64000")
        self.alice = member_of(self.town, "alice@pessac.example")
        self.bob = member_of(self.hospital, "bob@chu.example")
        self.carol = member_of(self.acme, "carol@acme.example")
        self.dave = member_of(self.logilibre, "dave@logilibre.example")
        self.erin = UserFactory(username="erin@example.org", email="erin@example.org")
        self.erin.save()
        Profile.objects.create(user=self.erin, email_confirmed_at=timezone.now())
        self.curator = curator(username="carla@cluster.example", email="carla@cluster.example")

    def need(self, **changes) -> Need:
        values = {
            "organisation": self.town,
            "title": "Vote en ligne dans Decidim",
            "description": "Un module de **vote** sécurisé pour les budgets participatifs.",
            "kind": "module",
            "software": self.software,
            "category": self.category,
            "departement": "",
            "deadline": None,
            "amount": Decimal("20000"),
            "amount_visibility": Visibility.PUBLIC,
        }
        values.update(changes)
        return services.post_need(self.alice, **values)


@pytest.fixture
def world() -> World:
    return World()


def answer_of(world: World, need: Need, user=None, organisation=None, price="15000") -> Answer:
    return services.answer(
        user or world.carol,
        need,
        organisation or world.acme,
        scope="Le module de vote, sous AGPL.",
        price=Decimal(price),
        duration_days=60,
        team="Deux développeurs.",
    )


# The board ---------------------------------------------------------------------------------------


def test_the_board_lists_needs_with_budget_joined_and_answers(client, world):
    need = world.need()
    services.join(world.bob, need, world.hospital, Decimal("5000"), Visibility.PUBLIC, True, "")
    answer_of(world, need)
    response = client.get(url("web:needs"))
    assert response.status_code == 200
    html = main_of(response.text)
    assert need.get_absolute_url() in html
    item = html.split('class="need-item"', 1)[1].split("</li>", 1)[0]
    assert "25" in item and "000" in item  # €25,000 pooled, in the page's number format
    assert "need-status-open" in item
    assert_well_outlined(response.text)


def test_the_board_facets_are_links_that_filter_without_javascript(client, world):
    module = world.need()
    hosting = world.need(
        title="Hébergement HDS de Nextcloud",
        description="Trois hôpitaux cherchent un hébergeur certifié.",
        kind="hosting",
        software=None,
        category=None,
        departement="64",
        amount=None,
    )
    html = client.get(url("web:needs")).text
    facets = html.split('class="facets"', 1)[1]
    assert "?kind=hosting" in facets and "?kind=module" in facets
    assert "?software=decidim" in facets
    assert "?departement=64" in facets

    filtered = client.get(url("web:needs"), {"kind": "hosting"}).text
    assert hosting.get_absolute_url() in filtered
    assert module.get_absolute_url() not in filtered
    assert 'aria-current="true"' in filtered.split('class="facets"', 1)[1]  # the chosen value
    assert "active-filters" in filtered

    by_software = client.get(url("web:needs"), {"software": "decidim"}).text
    assert module.get_absolute_url() in by_software
    assert hosting.get_absolute_url() not in by_software

    by_place = client.get(url("web:needs"), {"departement": "33"}).text  # the town's, by default
    assert module.get_absolute_url() in by_place
    assert hosting.get_absolute_url() not in by_place

    by_budget = client.get(url("web:needs"), {"budget": "10k-50k"}).text
    assert module.get_absolute_url() in by_budget
    assert hosting.get_absolute_url() not in by_budget
    no_budget = client.get(url("web:needs"), {"budget": "none"}).text
    assert hosting.get_absolute_url() in no_budget
    assert module.get_absolute_url() not in no_budget

    searched = client.get(url("web:needs"), {"q": "hôpitaux"}).text
    assert hosting.get_absolute_url() in searched
    assert module.get_absolute_url() not in searched


def test_unknown_filter_values_are_left_out_rather_than_failing(client, world):
    need = world.need()
    response = client.get(
        url("web:needs"), {"kind": "spaceship", "status": "merged", "budget": "x", "page": "zz"}
    )
    assert response.status_code == 200
    assert need.get_absolute_url() in response.text


def test_the_board_budget_facet_uses_what_the_viewer_may_see(client, world):
    need = world.need(amount=Decimal("40000"), amount_visibility=Visibility.COALITION)
    visitor = client.get(url("web:needs"), {"budget": "10k-50k"}).text
    assert need.get_absolute_url() not in visitor  # a visitor must not learn the amount
    member = logged_in(world.alice).get(url("web:needs"), {"budget": "10k-50k"}).text
    assert need.get_absolute_url() in member


def test_the_board_status_facet_shows_archived_and_hides_merged(client, world):
    kept = world.need()
    archived = world.need(title="Formation à GLPI", description="Former nos agents à GLPI.")
    Need.objects.filter(pk=archived.pk).update(status=NeedStatus.ARCHIVED)
    absorbed = world.need(title="Doublon du vote", description="Le vote dans Decidim.")
    services.merge(world.curator, kept, absorbed)
    html = client.get(url("web:needs")).text
    assert archived.get_absolute_url() in html
    assert absorbed.get_absolute_url() not in html
    item = html.split(archived.get_absolute_url(), 1)[1].split("</li>", 1)[0]
    assert "need-status-archived" in item
    only_archived = client.get(url("web:needs"), {"status": "archived"}).text
    assert archived.get_absolute_url() in only_archived
    assert kept.get_absolute_url() not in only_archived


def test_the_board_reads_a_fixed_number_of_queries(client, world):
    world.need()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("web:needs")).status_code == 200
        return len(captured)

    few = queries()
    for n in range(4):
        need = world.need(title=f"Besoin {n}", description=f"Description {n}.")
        services.join(world.bob, need, world.hospital, Decimal("100"), Visibility.PUBLIC, True, "")
        answer_of(world, need)
    assert queries() == few


def test_the_board_and_the_nav_link_in_english(client, world):
    world.need()
    html = client.get(url("web:needs", lang="en")).text
    assert "<h1>Needs</h1>" in html
    assert 'href="/en/needs/" aria-current="page"' in html
    assert "Post a need" not in main_of(html)  # a visitor is asked to log in first
    assert "Log in to post a need" in html


# Posting a need ----------------------------------------------------------------------------------


def form_data(world: World, **changes) -> dict[str, str]:
    data = {
        "organisation": world.town.slug,
        "title": "Vote électronique pour Decidim",
        "description": "Nous voulons un module de vote pour les budgets participatifs.",
        "kind": "module",
        "software": "Decidim",
        "category": world.category.slug,
        "departement": "",
        "deadline": "",
        "amount": "12 000,50",
        "amount_visibility": Visibility.CURATORS,
        "show_name": "on",
        "constraints": "Hébergement en France.",
        "action": "preview",
    }
    data.update(changes)
    return data


def test_posting_asks_to_log_in_and_a_confirmed_address(client, world):
    response = client.get(url("web:need_new"))
    assert response.status_code == 302
    assert response["Location"].startswith(url("web:login"))
    unconfirmed = UserFactory()
    unconfirmed.save()
    response = logged_in(unconfirmed).post(url("web:need_new"), form_data(world, action="post"))
    assert response.status_code == 403
    assert 'href="/account/confirm/resend/"' in response.text
    assert not Need.objects.exists()


def test_a_first_post_shows_similar_needs_and_stores_nothing(world):
    existing = world.need(title="Module de vote dans Decidim", description="Vote en ligne.")
    client = logged_in(world.bob)
    response = client.post(
        url("web:need_new"),
        form_data(world, organisation=world.hospital.slug, title="Vote en ligne Decidim"),
    )
    assert response.status_code == 200
    html = response.text
    assert Need.objects.count() == 1
    similar = html.split('class="similar-needs"', 1)[1].split("</section>", 1)[0]
    assert f'{existing.get_absolute_url()}#join-title"' in similar  # "join this one instead"
    assert "<strong>vote</strong>" not in html  # the draft is shown through Markdown
    assert 'name="action" value="post"' in html
    assert 'value="12 000,50"' in html  # what was typed comes back as typed


def test_the_second_post_posts_the_need_with_the_organisations_pledge(world):
    client = logged_in(world.alice)
    response = client.post(url("web:need_new"), form_data(world, action="post"))
    need = Need.objects.get()
    assert response.status_code == 302
    assert response["Location"] == need.get_absolute_url()
    assert (need.organisation, need.created_by, need.software) == (
        world.town,
        world.alice,
        world.software,
    )
    assert need.departement == "33"  # the town's
    pledge = need.pledges.get()
    assert (pledge.organisation, pledge.amount, pledge.amount_visibility) == (
        world.town,
        Decimal("12000.50"),
        Visibility.CURATORS,
    )
    assert pledge.constraints == "Hébergement en France."


def test_posting_for_another_organisation_is_refused_and_stores_nothing(world):
    client = logged_in(world.alice)
    response = client.post(
        url("web:need_new"), form_data(world, organisation=world.hospital.slug, action="post")
    )
    assert response.status_code == 400
    assert error_tied(response.text, "id_organisation")
    assert not Need.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "-5"}, "amount"),
        ({"amount": "10000000,01"}, "amount"),
        ({"amount": "douze"}, "amount"),
        ({"organisation": "", "amount": "100"}, "amount"),
        ({"software": "Decidimm"}, "software"),
        ({"title": ""}, "title"),
        ({"deadline": "2001-01-01"}, "deadline"),
    ],
)
def test_bad_input_is_named_beside_its_field(world, changes, field):
    client = logged_in(world.alice)
    response = client.post(url("web:need_new"), form_data(world, action="post", **changes))
    assert response.status_code == 400
    assert error_tied(response.text, f"id_{field}")
    assert not Need.objects.exists()


def test_an_unknown_software_name_suggests_the_near_ones(world):
    response = logged_in(world.alice).post(
        url("web:need_new", lang="en"), form_data(world, software="Decid")
    )
    assert "Did you mean: Decidim?" in response.text


def test_the_form_is_prefilled_from_a_software_page_link(world):
    html = logged_in(world.alice).get(url("web:need_new") + "?software=decidim").text
    assert 'name="software" value="Decidim"' in html
    assert f'<option value="{world.town.slug}">' in html
    assert world.hospital.slug not in html  # only my organisations


# A need's page: who joined, budgets --------------------------------------------------------------


def test_the_need_page_shows_the_need_and_its_coalition(client, world):
    need = world.need(deadline=timezone.localdate() + timedelta(days=30))
    response = client.get(need.get_absolute_url())
    assert response.status_code == 200
    html = main_of(response.text)
    assert "<strong>vote</strong>" in html  # the description as Markdown
    assert url("web:software", slug="decidim") in html
    assert world.town.get_absolute_url() in html
    assert need_url(need, "team") in html
    assert_well_outlined(response.text)
    assert 'style="' not in response.text and "<script" not in response.text


def test_a_need_that_does_not_exist_is_404(client):
    assert client.get("/needs/2b1c7a38-0c2f-4a3e-9d7e-3f9e5f0a1b2c/").status_code == 404


def pledges_of_every_visibility(world: World) -> Need:
    """The town pledges €20,000 publicly; the hospital €7,000 for the coalition; Acme (as a
    buyer too) €3,000 for curators only, without its name shown."""
    need = world.need()
    services.join(world.bob, need, world.hospital, Decimal("7000"), Visibility.COALITION, True, "")
    services.join(
        world.carol, need, world.acme, Decimal("3000"), Visibility.CURATORS, False, "Secret."
    )
    return need


def pooled_text(html: str) -> str:
    return re.sub(r"\s+", " ", html.split('class="need-pooled"', 1)[1].split("</li>", 1)[0])


def amounts_in(html: str) -> str:
    """The figures of the page's coalition section, without the page's thousands separators."""
    section = html.split('id="coalition-title"', 1)[1].split("</section>", 1)[0]
    return re.sub(
        r"(?<=\d)[\s\u00a0\u202f,.](?=\d{3})", "", re.sub(r"&#8239;|&nbsp;", " ", section)
    )


def test_a_visitor_sees_public_amounts_only_and_how_many_are_hidden(client, world):
    need = pledges_of_every_visibility(world)
    html = client.get(need_url(need, lang="en")).text
    pooled = pooled_text(html)
    assert "20000" in amounts_in(html) and "27000" not in amounts_in(html)
    assert "and 2 undisclosed pledges" in pooled
    assert "7000" not in amounts_in(html) and "3000" not in amounts_in(html)
    assert "Acme Libre" not in main_of(html)  # the name it chose not to show
    assert "An organisation" in html
    assert "Secret." not in html  # constraints could name who wrote them
    assert world.hospital.name in html


def test_a_coalition_member_sees_coalition_amounts_and_hidden_names(world):
    need = pledges_of_every_visibility(world)
    html = logged_in(world.bob).get(need_url(need, lang="en")).text
    assert "27000" in amounts_in(html)  # public + coalition
    assert "and 1 undisclosed pledge" in pooled_text(html)
    assert "Acme Libre" in main_of(html)  # the coalition sees names
    assert "3000" not in amounts_in(html)


def test_a_curator_sees_every_amount(world):
    need = pledges_of_every_visibility(world)
    html = logged_in(world.curator).get(need_url(need, lang="en")).text
    assert "30000" in amounts_in(html)
    assert "undisclosed" not in pooled_text(html)


def test_the_pledging_organisation_sees_its_own_curators_only_amount(world):
    need = pledges_of_every_visibility(world)
    html = logged_in(world.carol).get(need_url(need, lang="en")).text
    assert "30000" in amounts_in(html)


# Joining ----------------------------------------------------------------------------------------


def join_data(organisation: Organisation, **changes) -> dict[str, str]:
    data = {
        "organisation": organisation.slug,
        "amount": "5 000",
        "amount_visibility": Visibility.PUBLIC,
        "show_name": "on",
        "constraints": "Avant l'été.",
    }
    data.update(changes)
    return data


def test_a_member_joins_for_their_organisation_then_edits_the_pledge(world):
    need = world.need()
    client = logged_in(world.bob)
    page = client.get(need.get_absolute_url()).text
    assert f'action="{need_url(need, "join")}"' in page
    assert 'id="join-id_amount"' not in page and 'id="join-amount"' in page

    response = client.post(need_url(need, "join"), join_data(world.hospital))
    assert response.status_code == 302
    pledge = Pledge.objects.get(need=need, organisation=world.hospital)
    assert (pledge.amount, pledge.user, pledge.constraints) == (
        Decimal("5000"),
        world.bob,
        "Avant l'été.",
    )

    page = client.get(need.get_absolute_url()).text
    assert f'id="pledge-{world.hospital.slug}-amount"' in page  # its own form, its own ids
    client.post(need_url(need, "join"), join_data(world.hospital, amount="6000,5"))
    assert Pledge.objects.filter(need=need).count() == 2
    assert Pledge.objects.get(need=need, organisation=world.hospital).amount == Decimal("6000.50")


def test_joining_for_another_organisation_is_refused_and_stores_nothing(world):
    need = world.need()
    client = logged_in(world.bob)
    assert client.post(need_url(need, "join"), join_data(world.acme)).status_code == 403
    assert client.post(need_url(need, "join"), join_data(world.town)).status_code == 403
    missing = {**join_data(world.acme), "organisation": "nobody-here"}
    assert client.post(need_url(need, "join"), missing).status_code == 404
    assert (
        logged_in(world.erin).post(need_url(need, "join"), join_data(world.hospital)).status_code
        == 403
    )
    anonymous = Client().post(need_url(need, "join"), join_data(world.hospital))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(url("web:login"))
    assert list(need.pledges.values_list("organisation", flat=True)) == [world.town.pk]


def test_a_bad_amount_shows_the_page_again_with_the_error(world):
    need = world.need()
    response = logged_in(world.bob).post(
        need_url(need, "join"), join_data(world.hospital, amount="0")
    )
    assert response.status_code == 400
    assert error_tied(response.text, "join-amount")
    assert need.pledges.count() == 1


def test_a_closed_need_takes_no_pledge(world):
    need = world.need()
    choose_one(world, need)
    response = logged_in(world.bob).post(need_url(need, "join"), join_data(world.hospital))
    assert response.status_code == 403
    assert need.pledges.count() == 1


def test_leaving_a_need_and_nobody_elses_pledge(world):
    need = world.need()
    services.join(world.bob, need, world.hospital, None, Visibility.PUBLIC, True, "")
    leave = url("web:need_leave", public_id=need.public_id, organisation=world.hospital.slug)
    assert logged_in(world.carol).post(leave).status_code == 404
    posted_for = url("web:need_leave", public_id=need.public_id, organisation=world.town.slug)
    assert logged_in(world.alice).post(posted_for).status_code == 404  # the poster stays
    assert need.pledges.count() == 2
    assert logged_in(world.bob).post(leave).status_code == 302
    assert list(need.pledges.values_list("organisation", flat=True)) == [world.town.pk]


# Answers, choosing, delivering ------------------------------------------------------------------


def answer_data(organisation: Organisation, **changes) -> dict[str, str]:
    data = {
        "organisation": organisation.slug,
        "scope": "Le module de vote, **sous AGPL**.",
        "price": "18 500",
        "duration_days": "45",
        "team": "Une développeuse, un testeur.",
        "partners": "",
    }
    data.update(changes)
    return data


def test_companies_answer_and_the_answers_are_compared_side_by_side(world):
    need = world.need()
    response = logged_in(world.carol).post(
        need_url(need, "answer"), answer_data(world.acme, partners="Logilibre")
    )
    assert response.status_code == 302
    first = Answer.objects.get(need=need)
    assert (first.price, first.duration_days, list(first.partners.all())) == (
        Decimal("18500"),
        45,
        [world.logilibre],
    )
    logged_in(world.dave).post(
        need_url(need, "answer"), answer_data(world.logilibre, price="16000")
    )
    assert need.answers.count() == 2

    html = Client().get(need_url(need, lang="en")).text
    table = html.split('<table class="need-answers">', 1)[1].split("</table>", 1)[0]
    assert table.count('<th scope="col"') == 2
    for label in ("Answered by", "Price", "Duration", "Scope", "Team", "Status"):
        assert f'<th scope="row">{label}</th>' in table
    assert "<strong>sous AGPL</strong>" in table
    assert "45 days" in table
    assert "leading a consortium with" in table
    assert "need_choose" not in table and "/choose/" not in table  # a visitor decides nothing


def test_answering_for_another_organisation_is_refused_and_stores_nothing(world):
    need = world.need()
    client = logged_in(world.carol)
    assert client.post(need_url(need, "answer"), answer_data(world.logilibre)).status_code == 403
    unknown = {**answer_data(world.acme), "organisation": "nobody-here"}
    assert client.post(need_url(need, "answer"), unknown).status_code == 404
    bad_partner = answer_data(world.acme, partners="Personne Inconnue")
    response = client.post(need_url(need, "answer"), bad_partner)
    assert response.status_code == 400
    assert error_tied(response.text, "answer-partners")
    assert not Answer.objects.exists()


def choose_one(world: World, need: Need) -> tuple[Answer, Answer]:
    chosen = answer_of(world, need)
    other = answer_of(world, need, world.dave, world.logilibre, price="16000")
    services.choose(world.alice, need, chosen)
    return chosen, other


def test_only_the_decider_chooses_an_answer(world):
    need = world.need()
    services.join(world.bob, need, world.hospital, None, Visibility.PUBLIC, True, "")
    chosen = answer_of(world, need)
    other = answer_of(world, need, world.dave, world.logilibre, price="16000")
    choose = url("web:need_choose", public_id=need.public_id, answer_id=chosen.pk)

    for refused in (world.bob, world.carol, world.dave, world.erin):  # joiner, answerers, anyone
        client = logged_in(refused)
        assert "/choose/" not in client.get(need.get_absolute_url()).text
        assert client.post(choose).status_code == 403
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN and need.chosen_answer is None

    alice = logged_in(world.alice)
    assert choose in alice.get(need.get_absolute_url()).text
    response = alice.post(choose)
    assert response.status_code == 302
    need.refresh_from_db()
    other.refresh_from_db()
    assert (need.status, need.chosen_answer) == (NeedStatus.FUNDED, chosen)
    assert other.status == AnswerStatus.DECLINED
    html = alice.get(need_url(need, lang="en")).text
    assert "need-status-funded" in html and "Funded: the coalition chose the answer of Acme" in html


def test_an_answer_of_another_need_is_404(world):
    need = world.need()
    elsewhere = world.need(title="Autre besoin", description="Autre chose.")
    foreign = answer_of(world, elsewhere)
    choose = url("web:need_choose", public_id=need.public_id, answer_id=foreign.pk)
    assert logged_in(world.alice).post(choose).status_code == 404
    assert Answer.objects.get(pk=foreign.pk).status == AnswerStatus.SUBMITTED


def test_a_company_withdraws_its_own_answer_only(world):
    need = world.need()
    mine = answer_of(world, need)
    withdraw = url("web:need_withdraw_answer", public_id=need.public_id, answer_id=mine.pk)
    assert logged_in(world.dave).post(withdraw).status_code == 404
    assert logged_in(world.carol).post(withdraw).status_code == 302
    mine.refresh_from_db()
    assert mine.status == AnswerStatus.WITHDRAWN


def test_the_decider_marks_the_need_delivered_with_the_released_code(world):
    need = world.need()
    choose_one(world, need)
    deliver = need_url(need, "deliver")
    code = "https://git.example.org/pessac/decidim-vote"

    assert logged_in(world.carol).post(deliver, {"released_code_url": code}).status_code == 403
    http = logged_in(world.alice).post(deliver, {"released_code_url": "http://git.example.org/x"})
    assert http.status_code == 400
    assert error_tied(http.text, "deliver-released_code_url")
    need.refresh_from_db()
    assert need.status == NeedStatus.FUNDED

    response = logged_in(world.alice).post(deliver, {"released_code_url": code, "note": "Livré."})
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.status, need.released_code_url) == (NeedStatus.DELIVERED, code)
    html = Client().get(need.get_absolute_url()).text
    assert f'class="released-code" href="{code}"' in html
    assert "need-status-delivered" in html
    assert 'action="' + deliver not in html


def test_an_open_need_cannot_be_delivered(world):
    need = world.need()
    response = logged_in(world.alice).post(
        need_url(need, "deliver"), {"released_code_url": "https://git.example.org/x"}
    )
    assert response.status_code == 302  # told why on the need's page
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN


# Merging, archiving -----------------------------------------------------------------------------


def test_curators_merge_a_need_into_another_and_its_page_leads_there(world):
    kept = world.need()
    absorbed = services.post_need(
        world.bob,
        organisation=world.hospital,
        title="Vote Decidim",
        description="Vote en ligne.",
        kind="module",
        amount=Decimal("9000"),
        amount_visibility=Visibility.PUBLIC,
    )
    merge = need_url(absorbed, "merge")
    assert "merge-kept" not in logged_in(world.alice).get(absorbed.get_absolute_url()).text
    assert logged_in(world.alice).post(merge, {"kept": str(kept.public_id)}).status_code == 403
    assert logged_in(world.bob).post(merge, {"kept": str(kept.public_id)}).status_code == 403

    curator_client = logged_in(world.curator)
    assert 'id="merge-kept"' in curator_client.get(absorbed.get_absolute_url()).text
    wrong = curator_client.post(merge, {"kept": "https://example.org/needs/nothing/"})
    assert wrong.status_code == 400
    response = curator_client.post(
        merge, {"kept": f"https://grappe.example{kept.get_absolute_url()}"}
    )
    assert response.status_code == 302 and response["Location"] == kept.get_absolute_url()
    absorbed.refresh_from_db()
    assert (absorbed.status, absorbed.merged_into) == (NeedStatus.MERGED, kept)
    assert set(kept.pledges.values_list("organisation", flat=True)) == {
        world.town.pk,
        world.hospital.pk,
    }
    redirected = Client().get(absorbed.get_absolute_url())
    assert redirected.status_code == 302 and redirected["Location"] == kept.get_absolute_url()


def test_an_archived_need_is_shown_as_archived_and_its_decider_reopens_it(world):
    need = world.need()
    Need.objects.filter(pk=need.pk).update(last_activity_at=timezone.now() - timedelta(days=200))
    assert services.archive_inactive() == 1
    html = Client().get(need.get_absolute_url()).text
    assert "need-archived" in html and "need-status-archived" in html
    assert 'action="' + need_url(need, "join") not in html
    assert need_url(need, "reopen") not in html
    assert logged_in(world.bob).post(need_url(need, "reopen")).status_code == 403

    alice = logged_in(world.alice)
    assert need_url(need, "reopen") in alice.get(need.get_absolute_url()).text
    assert alice.post(need_url(need, "reopen")).status_code == 302
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN


# Writes need a POST with CSRF -------------------------------------------------------------------


def test_writes_are_posts_behind_the_csrf_check(world):
    need = world.need()
    answer = answer_of(world, need)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice)
    writes = [
        need_url(need, "join"),
        need_url(need, "answer"),
        url("web:need_choose", public_id=need.public_id, answer_id=answer.pk),
        need_url(need, "deliver"),
        need_url(need, "reopen"),
        need_url(need, "merge"),
        url("web:needs_follow"),
        url("web:needs_unfollow"),
        url("web:need_new"),
    ]
    for address in writes:
        assert client.post(address, join_data(world.town)).status_code == 403, address
    for address in writes[:-1]:
        assert client.get(address).status_code == 405, address
    assert need.pledges.count() == 1
    assert Answer.objects.get(pk=answer.pk).status == AnswerStatus.SUBMITTED


# Follows and feeds ------------------------------------------------------------------------------


def test_follow_and_unfollow_buttons_on_a_need_page(world):
    need = world.need()
    assert "/needs/follow/" not in Client().get(need.get_absolute_url()).text  # feeds only
    client = logged_in(world.erin)
    html = client.get(need.get_absolute_url()).text
    for field in ("software", "category", "departement"):
        assert f'data-follow="{field}"' in html

    response = client.post(
        url("web:needs_follow"), {"software": "decidim", "next": need.get_absolute_url()}
    )
    assert response.status_code == 302 and response["Location"] == need.get_absolute_url()
    assert Follow.objects.get(user=world.erin).software == world.software
    html = client.get(need.get_absolute_url()).text
    assert 'action="/needs/unfollow/"' in html

    client.post(url("web:needs_unfollow"), {"software": "decidim"})
    assert not Follow.objects.filter(user=world.erin).exists()


def test_following_refuses_bad_targets_and_foreign_redirects(world):
    client = logged_in(world.erin)
    assert client.post(url("web:needs_follow"), {"software": "nothing-here"}).status_code == 404
    two = client.post(url("web:needs_follow"), {"software": "decidim", "departement": "33"})
    assert two.status_code == 302
    away = client.post(
        url("web:needs_follow"), {"departement": "33", "next": "https://evil.example/"}
    )
    assert away["Location"] == url("web:needs")
    assert list(Follow.objects.values_list("departement", flat=True)) == ["33"]
    anonymous = Client().post(url("web:needs_follow"), {"departement": "33"})
    assert anonymous.status_code == 302 and Follow.objects.count() == 1


def parse_atom(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def test_the_feeds_are_valid_atom_and_show_what_a_visitor_may_see(client, world):
    need = world.need(amount=Decimal("20000"), amount_visibility=Visibility.PUBLIC)
    services.join(world.bob, need, world.hospital, Decimal("7777"), Visibility.COALITION, True, "")
    other = world.need(
        title="Hébergement Nextcloud",
        description="Un hébergeur.",
        kind="hosting",
        software=None,
        category=None,
    )
    feed = parse_atom(client.get(url("web:needs_feed")))
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    links = {entry.find(f"{ATOM}link").get("href") for entry in entries}
    assert any(link.endswith(need.get_absolute_url()) for link in links)
    text = client.get(url("web:needs_feed")).text
    assert "7777" not in text and "7 777" not in text  # a coalition amount stays hidden

    by_software = parse_atom(client.get(url("web:needs_software_feed", software="decidim")))
    titles = [entry.find(f"{ATOM}title").text for entry in by_software.findall(f"{ATOM}entry")]
    assert titles == [need.title]
    assert other.title not in titles
    by_category = parse_atom(client.get(url("web:needs_category_feed", category="participation")))
    assert len(by_category.findall(f"{ATOM}entry")) == 1
    by_place = parse_atom(client.get(url("web:needs_departement_feed", departement="33")))
    assert len(by_place.findall(f"{ATOM}entry")) == 2
    english = parse_atom(client.get(url("web:needs_feed", lang="en")))
    assert english.find(f"{ATOM}title").text.startswith("Needs of the cluster")

    assert client.get(url("web:needs_software_feed", software="nothing")).status_code == 404
    assert client.get(url("web:needs_departement_feed", departement="99")).status_code == 404
    assert client.post(url("web:needs_feed")).status_code == 405


def test_the_board_links_the_feed_of_its_filter(client, world):
    world.need()
    html = client.get(url("web:needs"), {"software": "decidim"}).text
    head = html.split("</head>", 1)[0]
    assert f'href="{url("web:needs_software_feed", software="decidim")}"' in head
    assert f'href="{url("web:needs_feed")}"' in head


# The dashboard, English pages -------------------------------------------------------------------


def test_the_dashboard_shows_my_needs_joined_answered_and_followed(world):
    mine = world.need()
    theirs = services.post_need(
        world.bob,
        organisation=world.hospital,
        title="Maintenance de GLPI",
        description="La maintenance de notre GLPI.",
        kind="maintenance",
        departement="64",
    )
    services.join(world.alice, theirs, world.town, None, Visibility.PUBLIC, True, "")
    answer_of(world, mine)
    services.follow(world.carol, departement="64")
    fresh = services.post_need(
        world.bob,
        organisation=world.hospital,
        title="Formation Nextcloud",
        description="Former nos agents.",
        kind="training",
        departement="64",
    )

    section = logged_in(world.alice).get(url("web:dashboard", lang="en")).text
    section = section.split('aria-labelledby="needs-title"', 1)[1].split("</section>", 1)[0]
    posted, joined = section.split("Needs my organisations joined", 1)
    assert mine.get_absolute_url() in posted
    assert theirs.get_absolute_url() in joined

    carol = logged_in(world.carol).get(url("web:dashboard", lang="en")).text
    carol = carol.split('aria-labelledby="needs-title"', 1)[1].split("</section>", 1)[0]
    answers, followed = carol.split("New needs in what I follow", 1)
    assert mine.get_absolute_url() in answers.split("answers", 1)[1]
    assert fresh.get_absolute_url() in followed and theirs.get_absolute_url() in followed
    assert 'action="/en/needs/unfollow/"' in followed


def test_the_need_page_in_english(client, world):
    need = world.need()
    html = client.get(need_url(need, lang="en")).text
    assert '<html lang="en">' in html
    for words in ("Who needs it", "Answers", "What happened", "Log in to join this need"):
        assert words in html, words
    assert 'href="/en/needs/"' in html


def test_the_suggested_team_page(client, world):
    need = world.need()
    response = client.get(need_url(need, "team", lang="en"))
    assert response.status_code == 200
    assert "A team for" in response.text
    assert_well_outlined(response.text)


def test_every_section_keeps_the_headings_in_order(world):
    """The decider of a funded need (the deliver form) and a curator (the merge form) see the
    page's every section; headings never skip a level, every input has its label."""
    funded = world.need()
    services.join(world.bob, funded, world.hospital, None, Visibility.PUBLIC, True, "")
    choose_one(world, funded)
    open_need = world.need(title="Autre besoin", description="Autre chose.")
    pages = [
        logged_in(world.alice).get(funded.get_absolute_url()).text,
        logged_in(world.curator).get(open_need.get_absolute_url()).text,
        logged_in(world.carol).get(open_need.get_absolute_url()).text,
    ]
    assert 'id="deliver-released_code_url"' in pages[0]
    assert 'id="merge-kept"' in pages[1]
    assert 'id="answer-scope"' in pages[2] and 'id="join-amount"' in pages[2]
    for html in pages:
        assert_well_outlined(html)
        ids = re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), "an id is used twice"
        for field_id in ids:
            assert f'for="{field_id}"' in html, field_id


def test_the_released_code_is_required_for_code_only(world):
    """A module is delivered with its code; hosting is delivered without any."""
    module = world.need()
    choose_one(world, module)
    response = logged_in(world.alice).post(need_url(module, "deliver"), {"note": "Fait."})
    assert response.status_code == 400
    assert error_tied(response.text, "deliver-released_code_url")
    module.refresh_from_db()
    assert module.status == NeedStatus.FUNDED

    hosting = world.need(title="Hébergement", description="Un hébergeur.", kind="hosting")
    choose_one(world, hosting)
    response = logged_in(world.alice).post(need_url(hosting, "deliver"), {"note": "En service."})
    assert response.status_code == 302
    hosting.refresh_from_db()
    assert (hosting.status, hosting.released_code_url) == (NeedStatus.DELIVERED, "")
