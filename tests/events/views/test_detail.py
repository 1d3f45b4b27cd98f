import datetime
import gzip
import json
import re
import zoneinfo

import icalendar
import pytest

from events.models import Event
from semaine.models import Department, Edition
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

REUNION = zoneinfo.ZoneInfo("Indian/Reunion")


def reunion_event(**kwargs):
    start = datetime.datetime(2031, 4, 23, 9, 30, tzinfo=REUNION)
    return EventFactory(
        department=Department.objects.get(code="974"),
        city="Saint-Denis",
        postcode="97400",
        start=start,
        end=start + datetime.timedelta(hours=2),
        **kwargs,
    )


def jsonld_of(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


def test_detail_shows_when_where_and_who(client):
    event = EventFactory(title="Job dating EHPAD", trades=["J1501"])
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Job dating EHPAD" in html
    assert "12 rue de la République" in html
    assert "openstreetmap.org" in html
    assert event.organiser.name in html
    assert "Aide-soignant" in html
    assert "20 restantes sur 20" in html


def test_an_event_in_la_reunion_is_shown_in_its_local_time(client):
    event = reunion_event()
    html = client.get(event.get_absolute_url()).content.decode()
    assert "mercredi 23 avril 2031, de 09h30" in html  # local time, not Paris time (7h30)
    assert "07h30" not in html
    assert "Indian/Reunion" in html
    listing = client.get("/evenements/?departement=974").content.decode()
    assert "mercredi 23 avril 2031, 09h30</time> – 11h30" in listing
    assert "heure locale" in listing


def test_draft_events_are_not_found_by_the_public(client):
    draft = EventFactory(status=Event.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(f"/evenements/{draft.pk}.ics").status_code == 404


def test_cancelled_events_say_so_prominently(client):
    event = EventFactory(status=Event.Status.CANCELLED)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Cet événement est annulé" in html
    assert 'role="alert"' in html


def test_wrong_slug_redirects_to_the_canonical_url(client):
    event = EventFactory(title="Forum santé")
    response = client.get(f"/evenements/{event.pk}-ancien-titre/")
    assert response.status_code == 301
    assert response["Location"] == event.get_absolute_url()


def test_ics_parses_back_with_the_right_start_in_utc(client):
    event = reunion_event(title="Atelier à La Réunion")
    response = client.get(f"/evenements/{event.pk}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    [vevent] = calendar.walk("VEVENT")
    start = vevent.decoded("dtstart")
    assert start.astimezone(datetime.UTC) == datetime.datetime(
        2031, 4, 23, 5, 30, tzinfo=datetime.UTC
    )
    assert str(vevent["summary"]) == "Atelier à La Réunion"
    assert str(vevent["uid"]).startswith(f"evenement-{event.pk}@")
    assert "Indian/Reunion" in [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")]


def test_cancelled_event_ics_has_cancelled_status(client):
    event = EventFactory(status=Event.Status.CANCELLED)
    vevent = icalendar.Calendar.from_ical(client.get(f"/evenements/{event.pk}.ics").content).walk(
        "VEVENT"
    )[0]
    assert str(vevent["status"]) == "CANCELLED"


def test_jsonld_describes_the_event_for_search_engines(client):
    event = EventFactory(modalite=Event.Modalite.HYBRIDE)
    data = jsonld_of(client.get(event.get_absolute_url()).content.decode())
    assert data["@type"] == "Event"
    assert data["name"] == event.title
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert {place["@type"] for place in data["location"]} == {"Place", "VirtualLocation"}
    assert datetime.datetime.fromisoformat(data["startDate"]) == event.start


def test_jsonld_of_a_cancelled_event(client):
    event = EventFactory(status=Event.Status.CANCELLED)
    data = jsonld_of(client.get(event.get_absolute_url()).content.decode())
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert data["location"]["address"]["postalCode"] == "69003"


def test_script_in_a_title_cannot_escape_the_jsonld_block(client):
    event = EventFactory(title="</script><script>alert(1)</script>")
    html = client.get(event.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert jsonld_of(html)["name"] == event.title


def test_detail_runs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    event = EventFactory(trades=["J1501", "J1506", "K1306"])
    Edition.objects.current_cached()  # the site-wide edition lives in the cache
    # Data versions, event, trades, related offers.
    with django_assert_max_num_queries(4):
        response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    # Then the page is served from the cache until something it shows changes.
    with django_assert_max_num_queries(1):
        assert client.get(event.get_absolute_url()).status_code == 200


def test_a_cached_event_page_shows_a_change_at_once(client):
    event = EventFactory(title="Forum santé", capacity_onsite=20)
    assert "20 restantes" in client.get(event.get_absolute_url()).content.decode()
    # A registration moves the seat counter, an edit in the admin changes the page.
    Event.objects.filter(pk=event.pk).update(confirmed_onsite=5)
    assert "15 restantes" in client.get(event.get_absolute_url()).content.decode()
    event.refresh_from_db()
    event.status = Event.Status.CANCELLED
    event.save()
    assert "Cet événement est annulé" in client.get(event.get_absolute_url()).content.decode()


def test_a_cached_page_is_served_compressed_to_browsers_that_accept_it(client):
    url = EventFactory(title="Forum santé").get_absolute_url()
    plain = client.get(url).content
    compressed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.content) == plain
    # Compressed once, when cached: the same bytes every time.
    assert client.get(url, HTTP_ACCEPT_ENCODING="gzip").content == compressed.content
    # Conditional requests work on the compressed page too, and others still get plain HTML.
    etag = compressed["ETag"]
    assert client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag).status_code == 304
    identity = client.get(url)
    assert identity.content == plain and not identity.has_header("Content-Encoding")


def test_unknown_event_is_404(client):
    assert client.get("/evenements/999999-rien/").status_code == 404
    assert client.get("/evenements/999999.ics").status_code == 404
