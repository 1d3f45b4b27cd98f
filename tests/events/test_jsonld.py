"""The schema.org Event of the event pages, read back and checked against Google's required
and recommended fields for events (developers.google.com/search/docs/appearance/structured-data
/event): required name, startDate, location; recommended description, endDate,
eventAttendanceMode, eventStatus, offers, organizer (image: events have none)."""

import datetime
import json
import re

import pytest

from events.models import Event
from semaine.models import Department
from tests.factories import EventFactory, OrganiserFactory

pytestmark = pytest.mark.django_db

SITE = "https://semaine-soin.example"
SCHEMA = "https://schema.org/"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def page_jsonld(client, event) -> dict:
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    assert len(blocks) == 1
    return json.loads(blocks[0])


def non_empty_text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def check_address(address: dict):
    assert address["@type"] == "PostalAddress"
    for field in ("streetAddress", "postalCode", "addressLocality", "addressRegion"):
        assert non_empty_text(address[field]), field
    assert address["addressCountry"] == "FR"


def check_event(data: dict) -> None:
    """Every field Google requires, and every recommended one, well typed."""
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    assert non_empty_text(data["name"])
    assert non_empty_text(data["description"])
    start = datetime.datetime.fromisoformat(data["startDate"])
    end = datetime.datetime.fromisoformat(data["endDate"])
    assert start.tzinfo is not None and end > start
    assert data["eventStatus"] in {SCHEMA + "EventScheduled", SCHEMA + "EventCancelled"}
    assert data["eventAttendanceMode"] in {
        SCHEMA + "OfflineEventAttendanceMode",
        SCHEMA + "OnlineEventAttendanceMode",
        SCHEMA + "MixedEventAttendanceMode",
    }
    locations = data["location"] if isinstance(data["location"], list) else [data["location"]]
    assert locations
    for location in locations:
        if location["@type"] == "Place":
            assert non_empty_text(location["name"])
            check_address(location["address"])
        else:
            assert location["@type"] == "VirtualLocation"
            assert location["url"].startswith("https://")
    organizer = data["organizer"]
    assert organizer["@type"] == "Organization" and non_empty_text(organizer["name"])
    offer = data["offers"]
    assert offer["@type"] == "Offer"
    assert offer["price"] == 0 and offer["priceCurrency"] == "EUR"
    assert offer["availability"] in {SCHEMA + "InStock", SCHEMA + "SoldOut"}
    assert offer["url"] == data["url"]
    assert data["url"].startswith(SITE + "/evenements/")


def test_an_event_on_site_has_every_field_with_its_place_and_coordinates(client):
    event = EventFactory(
        organiser=OrganiserFactory(website="https://www.francetravail.fr/agence-lyon")
    )
    assert event.latitude is not None  # the commune's centre, from the postcode and city
    data = page_jsonld(client, event)
    check_event(data)
    assert data["eventAttendanceMode"] == SCHEMA + "OfflineEventAttendanceMode"
    assert data["location"]["address"]["addressRegion"] == "Auvergne-Rhône-Alpes"
    assert data["location"]["geo"] == {
        "@type": "GeoCoordinates",
        "latitude": event.latitude,
        "longitude": event.longitude,
    }
    assert data["organizer"]["url"] == "https://www.francetravail.fr/agence-lyon"
    assert data["offers"]["availability"] == SCHEMA + "InStock"
    assert data["url"] == SITE + event.get_absolute_url()


def test_an_online_event_has_a_virtual_location_and_no_address(client):
    event = EventFactory(modalite=Event.Modalite.DISTANCIEL, department=None)
    data = page_jsonld(client, event)
    check_event(data)
    assert data["eventAttendanceMode"] == SCHEMA + "OnlineEventAttendanceMode"
    # The connection link is for registrants only: the page stands for it.
    assert data["location"] == {"@type": "VirtualLocation", "url": SITE + event.get_absolute_url()}


def test_a_hybrid_event_has_both_locations(client):
    data = page_jsonld(client, EventFactory(modalite=Event.Modalite.HYBRIDE))
    check_event(data)
    assert [place["@type"] for place in data["location"]] == ["Place", "VirtualLocation"]


def test_a_full_event_is_sold_out_and_a_cancelled_one_says_so(client):
    full = EventFactory(capacity_onsite=3)
    Event.objects.filter(pk=full.pk).update(confirmed_onsite=3)
    data = page_jsonld(client, full)
    check_event(data)
    assert data["offers"]["availability"] == SCHEMA + "SoldOut"
    assert data["remainingAttendeeCapacity"] == 0
    data = page_jsonld(client, EventFactory(status=Event.Status.CANCELLED))
    check_event(data)
    assert data["eventStatus"] == SCHEMA + "EventCancelled"


def test_an_event_without_a_description_still_describes_itself(client):
    data = page_jsonld(client, EventFactory(title="Forum santé", description=""))
    check_event(data)
    assert data["description"] == "Job dating : Forum santé"


def test_an_overseas_event_is_dated_with_its_own_offset(client):
    start = datetime.datetime(2031, 4, 23, 5, 30, tzinfo=datetime.UTC)
    event = EventFactory(
        department=Department.objects.get(code="974"),
        postcode="97400",
        city="Saint-Denis",
        start=start,
        end=start + datetime.timedelta(hours=2),
    )
    data = page_jsonld(client, event)
    check_event(data)
    assert data["startDate"] == "2031-04-23T09:30:00+04:00"
    assert data["endDate"] == "2031-04-23T11:30:00+04:00"
