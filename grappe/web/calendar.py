"""The events as iCalendar (RFC 5545), for "Add to my calendar" and calendar subscriptions.

Events are whole days (they have dates, not hours), so DTSTART and DTEND are dates and DTEND is
the day after the last one, as RFC 5545 counts all-day events. The UID is made from the slug and
the site's host, so that a calendar that subscribed updates an event instead of doubling it.
"""

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.db.models import Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from grappe.directory.models import Event
from grappe.directory.models.base import in_language

RECENT_DAYS = 90  # past events stay in the calendar file this long after they end
PRODUCT_ID = "-//Grappe//Events//FR"


def calendar_events(today: date) -> QuerySet[Event]:
    """Events under way or to come, and those that ended within RECENT_DAYS, soonest first."""
    since = today - timedelta(days=RECENT_DAYS)
    return Event.objects.filter(
        Q(ends_on__gte=since) | Q(ends_on__isnull=True, starts_on__gte=since)
    ).order_by("starts_on", "slug")


def host_name(host: str) -> str:
    """The host of a Host header, without its port: "grappe.example.org:8000" -> the name."""
    return urlsplit(f"//{host}").hostname or host


def event_uid(event: Event, host: str) -> str:
    return f"event-{event.slug}@{host_name(host)}"


def event_location(event: Event) -> str:
    """Where: the place and the commune, or "Online"."""
    parts = [event.place, event.commune_name]
    if event.is_online:
        parts.append(_("Online"))
    return ", ".join(dict.fromkeys(part for part in parts if part))


def event_component(event: Event, host: str, absolute: Callable[[str], str]) -> CalendarEvent:
    """One VEVENT, its texts in the active language."""
    component = CalendarEvent()
    component.add("uid", event_uid(event, host))
    component.add("summary", event.title)
    component.add("dtstart", event.starts_on)
    component.add("dtend", (event.ends_on or event.starts_on) + timedelta(days=1))
    # DTSTAMP says when this description was last changed: stable between two downloads.
    component.add("dtstamp", event.updated_at)
    component.add("last-modified", event.updated_at)
    description = in_language(event, "description", get_language())
    if event.is_example:
        notice = _("Fictional entry, shown as an example")
        description = f"{notice}. {description}" if description else notice
    if description:
        component.add("description", description)
    if location := event_location(event):
        component.add("location", location)
    component.add("url", absolute(event.get_absolute_url()))
    if event.is_online:
        component.add("categories", [_("Online")])
    return component


def events_ical(
    events: Iterable[Event], *, host: str, absolute: Callable[[str], str], name: str
) -> bytes:
    """A VCALENDAR holding these events."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event_component(event, host, absolute))
    return calendar.to_ical()
