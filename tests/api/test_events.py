"""/api/events: the ecosystem's calendar, latest first or from a day on."""

from datetime import date

import pytest

from tests.api.conftest import EventFactory
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [result["title"] for result in response.json()["results"]]


def test_list_gives_dates_place_and_organiser(client):
    organiser = OrganisationFactory(name="NAOS", slug="naos")
    event = EventFactory(
        title="Rencontres du libre",
        slug="rencontres-du-libre",
        description_fr="Une journée d’échanges.",
        starts_on=date(2025, 6, 12),
        ends_on=date(2025, 6, 13),
        place="Cap Sciences",
        commune_name="Bordeaux",
        commune_insee="33063",
        organiser=organiser,
        url="https://rencontres.example",
    )
    assert client.get("/api/events").json() == {
        "count": 1,
        "page": 1,
        "page_size": 20,
        "results": [
            {
                "id": event.pk,
                "slug": "rencontres-du-libre",
                "url": "/events/rencontres-du-libre/",
                "title": "Rencontres du libre",
                "description": "Une journée d’échanges.",
                "starts_on": "2025-06-12",
                "ends_on": "2025-06-13",
                "place": "Cap Sciences",
                "commune_name": "Bordeaux",
                "commune_insee": "33063",
                "is_online": False,
                "organiser": {
                    "id": organiser.pk,
                    "slug": "naos",
                    "url": "/organisations/naos/",
                    "name": "NAOS",
                },
                "organiser_name": "NAOS",
                "website": "https://rencontres.example",
                "is_example": True,
            }
        ],
    }


def test_an_organiser_outside_the_index_keeps_its_name(client):
    EventFactory(slug="webinaire", organiser_name="Une association", is_online=True)
    body = client.get("/api/events/webinaire").json()
    assert (body["organiser"], body["organiser_name"], body["is_online"]) == (
        None,
        "Une association",
        True,
    )


def test_without_from_latest_first_with_from_those_not_over_soonest_first(client):
    EventFactory(title="Ancien", starts_on=date(2024, 1, 10))
    EventFactory(title="En cours", starts_on=date(2025, 3, 1), ends_on=date(2025, 3, 20))
    EventFactory(title="Fini la veille", starts_on=date(2025, 3, 1), ends_on=date(2025, 3, 9))
    EventFactory(title="Ce jour", starts_on=date(2025, 3, 10))
    EventFactory(title="Plus tard", starts_on=date(2025, 9, 1))
    assert titles(client.get("/api/events")) == [
        "Plus tard",
        "Ce jour",
        "En cours",
        "Fini la veille",
        "Ancien",
    ]
    assert titles(client.get("/api/events?from=2025-03-10")) == ["En cours", "Ce jour", "Plus tard"]


@pytest.mark.parametrize("day", ["2025-13-01", "demain", "10/03/2025", "2025-02-30"])
def test_a_bad_date_is_a_400_naming_from(client, day):
    response = client.get(f"/api/events?from={day}")
    assert response.status_code == 400
    assert response.json()["parameter"] == "from"


def test_unknown_event_is_a_404(client):
    response = client.get("/api/events/nothing")
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "No event with the slug “nothing”."},
    )


def test_list_makes_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(30):
        EventFactory(organiser=OrganisationFactory())
    with django_assert_max_num_queries(2):
        assert client.get("/api/events?page_size=100&from=2020-01-01").json()["count"] == 30
