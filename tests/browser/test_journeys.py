"""The visitors' journeys, each walked through in Chromium as a person would."""

import datetime
import re

import icalendar
from django.utils import timezone

from events.models import Event


def test_a_visitor_finds_the_events_of_a_region_from_the_home_map(page, site):
    page.goto("/")
    page.locator("svg.map a[aria-label^='Auvergne-Rhône-Alpes']").click()

    page.wait_for_url("**/evenements/region/84/")
    assert page.locator("h1").inner_text() == "Événements en Auvergne-Rhône-Alpes"
    expected = Event.objects.visible().upcoming().in_region("84").count()
    assert page.locator("#resultats").inner_text() == f"{expected} événements"
    places = page.locator(".cards .card-where").all_inner_texts()
    assert places and all("Lyon (69)" in place for place in places)

    page.locator(".cards .card-title a").first.click()
    assert page.locator("nav.breadcrumb").get_by_role("link", name="Auvergne-Rhône-Alpes").count()


def test_a_visitor_filters_by_type_format_dates_and_words_then_paginates(page, site):
    today = timezone.localdate()
    page.goto("/evenements/")
    page.get_by_label("Mots-clés").fill("aide-soignant")
    page.get_by_role("checkbox", name=re.compile("^Job dating")).check()
    page.get_by_role("checkbox", name=re.compile("^Sur place \\(")).check()
    page.get_by_label("À partir du").fill(today.isoformat())
    page.get_by_label("Jusqu'au").fill((today + datetime.timedelta(days=20)).isoformat())
    page.get_by_role("button", name="Afficher les événements").click()

    assert page.locator("#resultats").inner_text() == "25 événements"
    titles = page.locator(".cards .card-title").all_inner_texts()
    assert len(titles) == 20
    assert all(title.startswith("Job dating aide-soignant") for title in titles)

    page.get_by_role("link", name="Page suivante").click()
    assert "page=2" in page.url
    assert page.locator(".cards .card").count() == 5
    # The filters travel with the pagination: the form still shows them.
    assert page.get_by_label("Mots-clés").input_value() == "aide-soignant"
    assert page.get_by_role("checkbox", name=re.compile("^Job dating")).is_checked()
    assert page.locator("[aria-current='page']", has_text="2").count() == 1


def test_a_visitor_opens_an_event_and_adds_it_to_a_calendar(page, site):
    event = site.first_event
    page.goto("/evenements/")
    page.get_by_role("link", name=event.title, exact=True).click()
    assert page.locator("h1").inner_text() == event.title
    assert page.title().startswith(event.title)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Ajouter à mon agenda")).click()
    download = download_info.value

    assert download.suggested_filename == f"evenement-{event.pk}.ics"
    calendar = icalendar.Calendar.from_ical(download.path().read_bytes())
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == event.title
    assert vevent.decoded("DTSTART") == event.start
