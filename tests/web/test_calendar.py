"""Events as iCalendar: the coming and recent ones in one file, each one from its page ("Add to
my calendar"), read back with the icalendar parser as a calendar application would."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from tests.factories import EventFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def read_calendar(client, path: str) -> Calendar:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return Calendar.from_ical(response.content)


def by_uid(calendar: Calendar) -> dict[str, object]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_calendar_holds_coming_and_recent_events_not_old_ones(client, db):
    today = timezone.localdate()
    EventFactory(slug="under-way", starts_on=today - timedelta(days=1), ends_on=today)
    EventFactory(slug="next-month", starts_on=today + timedelta(days=30))
    EventFactory(slug="last-month", starts_on=today - timedelta(days=30))
    EventFactory(slug="years-ago", starts_on=today - timedelta(days=800))
    calendar = read_calendar(client, "/en/events.ics")
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    assert set(by_uid(calendar)) == {
        "event-under-way@testserver",
        "event-next-month@testserver",
        "event-last-month@testserver",
    }


def test_an_event_has_whole_days_its_place_its_page_and_its_text_in_the_language(client, db):
    organiser = OrganisationFactory(name="NAOS")
    EventFactory(
        slug="b-boost-2027",
        title="B-Boost 2027",
        description_fr="Convention d'affaires du logiciel libre.",
        description_en="Free software business convention.",
        starts_on=date(2027, 11, 6),
        ends_on=date(2027, 11, 7),
        place="Palais de la Bourse",
        commune_name="Bordeaux",
        commune_insee="33063",
        organiser=organiser,
        is_example=False,
    )
    english = by_uid(read_calendar(client, "/en/events/b-boost-2027.ics"))
    event = english["event-b-boost-2027@testserver"]
    assert str(event["SUMMARY"]) == "B-Boost 2027"
    assert event.decoded("DTSTART") == date(2027, 11, 6)
    assert event.decoded("DTEND") == date(2027, 11, 8)  # the day after the last, as RFC 5545 says
    assert str(event["LOCATION"]) == "Palais de la Bourse, Bordeaux"
    assert str(event["URL"]) == "http://testserver/en/events/b-boost-2027/"
    assert str(event["DESCRIPTION"]) == "Free software business convention."
    french = by_uid(read_calendar(client, "/events/b-boost-2027.ics"))
    event = french["event-b-boost-2027@testserver"]
    assert str(event["DESCRIPTION"]) == "Convention d'affaires du logiciel libre."
    assert str(event["URL"]) == "http://testserver/events/b-boost-2027/"


def test_a_one_day_online_example_event(client, db):
    EventFactory(
        slug="webinaire",
        title="Webinaire",
        description_en="Fictional online event.",
        starts_on=date(2027, 1, 15),
        is_online=True,
        is_example=True,
    )
    event = by_uid(read_calendar(client, "/en/events/webinaire.ics"))["event-webinaire@testserver"]
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (
        date(2027, 1, 15),
        date(2027, 1, 16),
    )
    assert str(event["LOCATION"]) == "Online"
    assert str(event["DESCRIPTION"]).startswith("Fictional entry, shown as an example. ")


def test_the_uid_is_stable_and_names_the_site(client, db, settings):
    """Downloading twice gives the same file: a calendar updates the event, never doubles it."""
    settings.ALLOWED_HOSTS = ["grappe.example.org"]
    EventFactory(slug="rencontre", starts_on=date(2027, 3, 1))
    first = client.get("/en/events/rencontre.ics", HTTP_HOST="grappe.example.org:8000")
    second = client.get("/en/events/rencontre.ics", HTTP_HOST="grappe.example.org:8000")
    assert first.content == second.content
    assert "event-rencontre@grappe.example.org" in by_uid(Calendar.from_ical(first.content))


def test_an_unknown_event_is_a_404(client, db):
    assert client.get("/en/events/nothing-here.ics").status_code == 404


def test_the_event_page_offers_to_add_it_to_a_calendar(client, demo):
    html = client.get("/en/events/b-boost-2021/").text
    assert '<a href="/en/events/b-boost-2021.ics" download>Add to my calendar</a>' in html
    calendar = read_calendar(client, "/en/events/b-boost-2021.ics")
    [event] = calendar.walk("VEVENT")
    assert str(event["LOCATION"]) == "Espace Encan, La Rochelle"
