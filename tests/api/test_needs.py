"""The needs API: the same rules as the pages on every write, and amounts shown to each reader
only as each pledge's visibility allows, whoever asks and however they authenticate."""

import base64
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from grappe.directory.models import OrganisationKind
from grappe.needs import services
from grappe.needs.models import AnswerStatus, Need, NeedStatus, Pledge, Visibility
from tests.accounts.conftest import member_of
from tests.api.conftest import bearer
from tests.factories import OrganisationFactory, SoftwareFactory

pytestmark = pytest.mark.django_db

WRITE = ("needs:write",)
PASSWORD = "correct horse battery"  # tests.factories.UserFactory's


def send(client: Client, method: str, path: str, body=None, **headers):
    data = json.dumps(body) if body is not None else ""
    return getattr(client, method)(path, data, content_type="application/json", **headers)


def basic(user) -> dict[str, str]:
    pair = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {pair}"}


@pytest.fixture
def town(db):
    return OrganisationFactory(
        name="Ville de Pessac", slug="pessac", kind=OrganisationKind.PUBLIC_BODY, postcode="33600"
    )


@pytest.fixture
def town_agent(town):
    return member_of(town, "agent@pessac.fr")


@pytest.fixture
def other_town(db):
    return OrganisationFactory(name="Ville de Mérignac", slug="merignac", postcode="33700")


@pytest.fixture
def other_agent(other_town):
    return member_of(other_town, "agent@merignac.fr")


@pytest.fixture
def company(db):
    return OrganisationFactory(name="Acme Libre", slug="acme-libre")


@pytest.fixture
def developer(company):
    return member_of(company, "dev@acme-libre.fr")


@pytest.fixture
def outsider(db):
    return member_of(OrganisationFactory(name="Autre", slug="autre"), "someone@autre.example")


@pytest.fixture
def software(db):
    return SoftwareFactory(name="GLPI", slug="glpi")


@pytest.fixture
def need(town_agent, town, software):
    return services.post_need(
        town_agent,
        organisation=town,
        title="Module de prêt de matériel pour GLPI",
        description="Prêter des portables aux agents.",
        kind="module",
        software=software,
        amount="20000",
        amount_visibility=Visibility.COALITION,
    )


def hidden_name(language: str) -> str:
    with translation.override(language):
        return str(services.HIDDEN_NAME)


def path(need, rest: str = "") -> str:
    return f"/api/needs/{need.public_id}{rest}"


# Reading, and who sees which amount.


@pytest.fixture
def coalition(need, other_agent, other_town):
    """Pessac 20,000 (coalition), Mérignac 5,000 (public), a hospital 7,000 (curators only),
    a school 1,000 (coalition, name hidden)."""
    services.join(other_agent, need, other_town, amount="5000", amount_visibility="public")
    hospital = OrganisationFactory(name="CHU", slug="chu")
    services.join(
        member_of(hospital, "dsi@chu.example"),
        need,
        hospital,
        amount="7000",
        amount_visibility="curators",
    )
    school = OrganisationFactory(name="Lycée discret", slug="lycee")
    services.join(
        member_of(school, "dsi@lycee.example"),
        need,
        school,
        amount="1000",
        amount_visibility="coalition",
        show_name=False,
        constraints="Nos contraintes",
    )
    return {"hospital": hospital, "school": school}


def seen(client, need, **headers) -> dict:
    response = client.get(path(need), **headers)
    assert response.status_code == 200, response.content
    body = response.json()
    return {
        "budget": (body["budget"]["total"], body["budget"]["undisclosed"]),
        "pledges": {p["name"]: p["amount"] for p in body["pledges"]},
        "raw": body,
    }


def test_a_visitor_sees_public_amounts_and_shown_names_only(client, coalition, need):
    view = seen(client, need)

    assert view["budget"] == ("5000", 3)
    assert view["pledges"] == {
        "Ville de Pessac": None,
        "Ville de Mérignac": "5000",
        "CHU": None,
        hidden_name("fr"): None,
    }
    hidden = [p for p in view["raw"]["pledges"] if p["organisation"] is None]
    assert hidden[0]["constraints"] == "" and hidden[0]["amount_hidden"] is True
    text = json.dumps(view["raw"])
    for secret in ("20000", "7000", "1000", "Lycée", "lycee", "Nos contraintes"):
        assert secret not in text


def test_a_member_of_an_unrelated_organisation_sees_what_a_visitor_sees(
    client, coalition, need, outsider
):
    view = seen(client, need, **bearer(outsider, WRITE))
    assert view["budget"] == ("5000", 3)
    assert "Lycée discret" not in view["pledges"]


def test_the_coalition_sees_coalition_amounts(client, coalition, need, other_agent):
    view = seen(client, need, **bearer(other_agent, ()))  # any valid token identifies

    assert view["budget"] == ("26000", 1)
    assert view["pledges"]["Ville de Pessac"] == "20000"
    assert view["pledges"]["Lycée discret"] == "1000"
    assert view["pledges"]["CHU"] is None


def test_the_decider_sees_what_the_coalition_sees(client, coalition, need, town_agent):
    assert seen(client, need, **basic(town_agent))["budget"] == ("26000", 1)


def test_a_pledging_organisation_sees_its_own_amount_whatever_its_visibility(
    client, coalition, need
):
    chu = coalition["hospital"].memberships.get().user
    client.force_login(chu)  # a session reads too
    view = seen(client, need)
    assert view["pledges"]["CHU"] == "7000"
    mine = [p for p in view["raw"]["pledges"] if p["mine"]]
    assert [(p["name"], p["amount_visibility"]) for p in mine] == [("CHU", "curators")]


def test_curators_see_every_amount(client, coalition, need):
    from tests.factories import curator

    view = seen(client, need, **bearer(curator(username="carla"), ()))
    assert view["budget"] == ("33000", 0)


def test_the_board_shows_the_budget_as_the_reader_may_see_it(client, coalition, need, other_agent):
    body = client.get("/api/needs").json()
    assert body["count"] == 1
    (item,) = body["results"]
    assert item["budget"] == {"total": "5000", "undisclosed": 3}
    assert item["joined"] == 4 and item["id"] == str(need.public_id)
    assert item["url"] == f"/needs/{need.public_id}/"

    assert client.get("/api/needs?budget_min=5001").json()["count"] == 0  # not on hidden ones
    member_view = client.get("/api/needs?budget_min=26000", **bearer(other_agent, ())).json()
    assert member_view["count"] == 1


def test_a_wrong_token_is_refused_even_for_reading(client, need):
    response = client.get(path(need), HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code == 401


def test_board_filters(client, need, town_agent, town):
    other = services.post_need(
        town_agent,
        organisation=town,
        title="Formation QGIS",
        description="Former.",
        kind="training",
        departement="40",
    )

    def ids(query: str) -> list[str]:
        response = client.get(f"/api/needs?{query}")
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["results"]]

    assert ids("software=glpi") == [str(need.public_id)]
    assert ids("kind=training") == [str(other.public_id)]
    assert ids("departement=40") == [str(other.public_id)]
    assert ids("q=prêt") == [str(need.public_id)]
    assert ids("status=funded") == []
    assert len(ids("page_size=1")) == 1 and len(ids("page=2&page_size=1")) == 1
    assert client.get("/api/needs?kind=spaceship").json()["parameter"] == "kind"
    assert client.get("/api/needs?budget_min=abc").json()["parameter"] == "budget_min"


def test_unknown_needs_are_404(client, need):
    assert client.get("/api/needs/not-a-uuid").status_code == 404
    assert client.get("/api/needs/00000000-0000-0000-0000-000000000000").status_code == 404


def test_a_merged_need_says_where_it_went(client, need, town_agent, town):
    from tests.factories import curator

    twin = services.post_need(
        town_agent, organisation=town, title="Prêt", description="D", kind="module"
    )
    services.merge(curator(username="carla"), need, twin)
    body = client.get(path(twin)).json()
    assert body["status"] == "merged" and body["merged_into"] == str(need.public_id)


# Posting.


def test_posting_a_need(client, town_agent, town, software):
    response = send(
        client,
        "post",
        "/api/needs",
        {
            "organisation": "pessac",
            "title": "Hébergement Nextcloud",
            "description": "**Vite**",
            "kind": "hosting",
            "software": "glpi",
            "amount": "15 000,50",
            "amount_visibility": "public",
        },
        **bearer(town_agent, WRITE),
    )

    assert response.status_code == 201, response.content
    body = response.json()
    need = Need.objects.get(public_id=body["id"])
    assert response["Location"] == f"/api/needs/{need.public_id}"
    assert need.departement == "33" and need.created_by == town_agent
    assert body["budget"] == {"total": "15000.50", "undisclosed": 0}
    assert body["you_may"]["choose"] is True


def test_posting_needs_an_account_and_the_scope(client, town_agent):
    body = {"title": "T", "description": "D", "kind": "other"}
    assert send(client, "post", "/api/needs", body).status_code == 401
    response = send(client, "post", "/api/needs", body, **bearer(town_agent, ("profiles:write",)))
    assert response.status_code == 403 and "needs:write" in response.json()["detail"]
    assert Need.objects.count() == 0


def test_nobody_posts_for_an_organisation_they_do_not_belong_to(client, outsider, town):
    body = {"organisation": "pessac", "title": "T", "description": "D", "kind": "other"}
    response = send(client, "post", "/api/needs", body, **bearer(outsider, WRITE))
    assert response.status_code == 403
    assert Need.objects.count() == 0


@pytest.mark.parametrize("amount", [0, -1, "10000001", 10000001, "abc", "0"])
def test_bad_amounts_are_refused_naming_the_field(client, town_agent, amount):
    body = {
        "organisation": "pessac",
        "title": "T",
        "description": "D",
        "kind": "other",
        "amount": amount,
    }
    response = send(client, "post", "/api/needs?lang=en", body, **bearer(town_agent, WRITE))
    assert response.status_code == 400
    refusal = response.json()
    assert refusal["parameter"] == "amount" and refusal["detail"].startswith("amount: ")
    assert "amount" in refusal["detail"].split(": ", 1)[1].lower()
    assert Need.objects.count() == 0


def test_unknown_entries_and_bad_values_name_their_field(client, town_agent):
    token = bearer(town_agent, WRITE)
    cases = [
        ({"software": "nope"}, "software"),
        ({"organisation": "nope"}, "organisation"),
        ({"kind": "spaceship"}, "kind"),
        ({"departement": "99"}, "departement"),
        ({"title": ""}, "title"),
        ({"deadline": "2001-01-01"}, "deadline"),
    ]
    for change, field in cases:
        body = {"title": "T", "description": "D", "kind": "other", **change}
        response = send(client, "post", "/api/needs", body, **token)
        assert response.status_code == 400, (change, response.content)
        assert response.json()["parameter"] == field


def test_a_session_write_needs_its_csrf_token(town_agent):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(town_agent)
    body = {"title": "T", "description": "D", "kind": "other"}
    assert send(browser, "post", "/api/needs", body).status_code == 403
    assert Need.objects.count() == 0


# Joining and leaving.


def test_joining_then_editing_the_pledge(client, need, other_agent):
    token = bearer(other_agent, WRITE)
    pledge = {"organisation": "merignac", "amount": 3000, "amount_visibility": "public"}

    first = send(client, "post", path(need, "/pledges"), pledge, **token)
    again = send(client, "post", path(need, "/pledges"), {**pledge, "amount": "3500.5"}, **token)

    assert (first.status_code, again.status_code) == (201, 200)
    assert Pledge.objects.get(need=need, organisation__slug="merignac").amount == Decimal("3500.5")
    assert again.json()["joined"] == 2


def test_nobody_pledges_for_an_organisation_they_do_not_belong_to(
    client, need, outsider, other_town
):
    response = send(
        client,
        "post",
        path(need, "/pledges"),
        {"organisation": "merignac", "amount": 1},
        **bearer(outsider, WRITE),
    )
    assert response.status_code == 403
    assert not need.pledges.filter(organisation=other_town).exists()


@pytest.mark.parametrize("amount", [0, -5, "10000001", "abc"])
def test_a_pledge_with_a_bad_amount_is_refused(client, need, other_agent, amount):
    response = send(
        client,
        "post",
        path(need, "/pledges?lang=en"),
        {"organisation": "merignac", "amount": amount},
        **bearer(other_agent, WRITE),
    )
    assert response.status_code == 400 and response.json()["parameter"] == "amount"


def test_leaving(client, need, other_agent, other_town, outsider, town_agent):
    services.join(other_agent, need, other_town)
    url = path(need, "/pledges/merignac")
    assert client.delete(url, **bearer(outsider, WRITE)).status_code == 403
    poster = client.delete(path(need, "/pledges/pessac"), **bearer(town_agent, WRITE))
    assert poster.status_code == 400  # the poster's organisation stays
    nobody = client.delete(path(need, "/pledges/nobody"), **bearer(other_agent, WRITE))
    assert nobody.status_code == 404

    assert client.delete(url, **bearer(other_agent, WRITE)).status_code == 200
    assert not need.pledges.filter(organisation=other_town).exists()


# Answering and deciding.


def answer_body(**change):
    return {
        "organisation": "acme-libre",
        "scope": "Tout",
        "price": 18000,
        "duration_days": 60,
        **change,
    }


def test_answering_with_partners(client, need, developer, other_town):
    response = send(
        client,
        "post",
        path(need, "/answers"),
        answer_body(partners=["merignac"]),
        **bearer(developer, WRITE),
    )
    assert response.status_code == 201, response.content
    (answer,) = response.json()["answers"]
    assert answer["price"] == "18000" and answer["partners"][0]["slug"] == "merignac"


def test_answers_refused(client, need, developer, outsider):
    token = bearer(developer, WRITE)
    refused = send(client, "post", path(need, "/answers"), answer_body(), **bearer(outsider, WRITE))
    assert refused.status_code == 403
    cases = [
        ({"price": "abc"}, "price"),
        ({"price": 0}, "price"),
        ({"price": 10_000_001}, "price"),
        ({"duration_days": 0}, "duration_days"),
        ({"partners": ["nobody"]}, "partners"),
        ({"scope": ""}, "scope"),
    ]
    for change, field in cases:
        response = send(client, "post", path(need, "/answers"), answer_body(**change), **token)
        assert response.status_code == 400, (change, response.content)
        assert response.json()["parameter"] == field
    assert need.answers.count() == 0


def test_only_the_decider_chooses_then_delivers(
    client, need, developer, company, other_agent, outsider, town_agent, other_town
):
    services.join(other_agent, need, other_town)
    answer = services.answer(developer, need, company, scope="S", price="5", duration_days=5)
    choose = path(need, f"/answers/{answer.pk}/choose")
    for user in (developer, other_agent, outsider):
        assert client.post(choose, **bearer(user, WRITE)).status_code == 403
    assert client.post(choose).status_code == 401
    unknown = path(need, "/answers/999999/choose")
    assert client.post(unknown, **bearer(town_agent, WRITE)).status_code == 404

    response = client.post(choose, **bearer(town_agent, WRITE))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "funded" and body["chosen_answer"] == answer.pk
    assert body["answers"][0]["status"] == AnswerStatus.CHOSEN
    assert client.post(choose, **bearer(town_agent, WRITE)).status_code == 400  # decided

    delivered = path(need, "/delivered")
    done = {"released_code_url": "https://git.example/pret", "note": "Merci"}
    for user in (developer, other_agent, outsider):
        assert send(client, "post", delivered, done, **bearer(user, WRITE)).status_code == 403
    bad = send(
        client,
        "post",
        delivered,
        {"released_code_url": "http://x.example"},
        **bearer(town_agent, WRITE),
    )
    assert bad.status_code == 400 and bad.json()["parameter"] == "released_code_url"

    response = send(client, "post", delivered, done, **bearer(town_agent, WRITE))

    assert response.status_code == 200
    assert response.json()["status"] == "delivered"
    need.refresh_from_db()
    assert need.status == NeedStatus.DELIVERED
    assert need.released_code_url == done["released_code_url"]


def test_visitors_cannot_write(client, need):
    writes = [
        ("post", "/api/needs", {"title": "T", "description": "D", "kind": "other"}),
        ("post", path(need, "/pledges"), {"organisation": "pessac"}),
        ("delete", path(need, "/pledges/pessac"), None),
        ("post", path(need, "/answers"), answer_body()),
        ("post", path(need, "/delivered"), {}),
    ]
    for method, url, body in writes:
        assert send(client, method, url, body).status_code == 401, url
    assert Need.objects.count() == 1 and need.pledges.count() == 1


def test_english_labels(client, need):
    with translation.override("en"):
        body = client.get(path(need) + "?lang=en").json()
    assert body["kind_label"] == "A module" and body["status_label"] == "Open"


def test_the_board_costs_the_same_queries_for_one_need_or_many(
    client, need, town_agent, town, other_agent, other_town, developer, company
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    token = bearer(other_agent, ())

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/needs", **token).status_code == 200
        return len(captured)

    alone = queries()
    for number in range(4):
        more = services.post_need(
            town_agent,
            organisation=town,
            title=f"Besoin {number}",
            description="D",
            kind="other",
            amount="10",
        )
        services.join(other_agent, more, other_town, amount="5")
        services.answer(developer, more, company, scope="S", price="5", duration_days=5)
    assert queries() == alone
