"""iCalendar output of events (one event's .ics, feeds, e-mail attachments)."""

import datetime

import icalendar
from django.conf import settings

from events.models import Event

PRODID = "-//Semaine des metiers du soin et de l'accompagnement//FR"


def event_uid(event: Event) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"evenement-{event.pk}@{host}"


def _online_url(event: Event, *, private: bool) -> str:
    return event.online_url if private else event.public_online_url


def event_location(event: Event, *, private: bool = False) -> str:
    if event.modalite == Event.Modalite.DISTANCIEL:
        return _online_url(event, private=private) or "En ligne"
    return ", ".join(
        p for p in (event.venue_name, event.address, f"{event.postcode} {event.city}".strip()) if p
    )


def to_vevent(
    event: Event, *, stamp: datetime.datetime | None = None, private: bool = False
) -> icalendar.Event:
    """The event as a calendar entry; `private` for a confirmed registrant's own copy, which
    carries the connection link that public calendars leave out."""
    vevent = icalendar.Event()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", stamp or event.updated_at or datetime.datetime.now(datetime.UTC))
    # Local wall-clock time with its zone: calendar apps show it right in both places.
    vevent.add("dtstart", event.local_start)
    vevent.add("dtend", event.local_end)
    vevent.add("summary", event.title)
    description = event.description
    online_url = _online_url(event, private=private)
    if event.is_online and online_url:
        description = f"{description}\n\nParticiper en ligne : {online_url}".strip()
    vevent.add("description", description)
    vevent.add("location", event_location(event, private=private))
    vevent.add("url", settings.SITE_URL + event.get_absolute_url())
    vevent.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    vevent.add("categories", [event.get_type_display()])
    if event.updated_at:
        vevent.add("last-modified", event.updated_at)
    return vevent


def calendar(
    events, *, name: str = "Semaine des métiers du soin", private: bool = False
) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(to_vevent(event, private=private))
    cal.add_missing_timezones()
    return cal


def event_ics(event: Event, *, private: bool = False) -> bytes:
    return calendar([event], name=event.title, private=private).to_ical()
