"""/evenements/flux.atom: the Atom feed of the listing's selection."""

import datetime
import re

import feedparser
import pytest
from django.utils import timezone

from events.models import Event
from events.services.events import event_publish
from semaine.feeds import MAX_ENTRIES
from semaine.models import Department
from tests.factories import EventFactory, OrganiserFactory, event_listing_ids, in_days

pytestmark = pytest.mark.django_db

FEED = "/evenements/flux.atom"
ATOM = "http://www.w3.org/2005/Atom"


def parsed(client, query=""):
    response = client.get(FEED + query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception  # well-formed XML
    assert feed.version == "atom10"
    return feed


def entry_ids(feed) -> set[int]:
    return {int(re.search(r"/evenements/(\d+)-", e.link).group(1)) for e in feed.entries}


def test_the_feed_lists_exactly_the_selection_of_the_listing(client):
    lyon = EventFactory(type=Event.Type.JOB_DATING)
    EventFactory(type=Event.Type.FORUM)  # not this type
    EventFactory(type=Event.Type.JOB_DATING, department=Department.objects.get(code="31"))
    EventFactory(type=Event.Type.JOB_DATING, status=Event.Status.DRAFT)
    EventFactory(type=Event.Type.JOB_DATING, start=in_days(-5))  # past
    query = "?region=84&type=job_dating"
    feed = parsed(client, query)
    assert entry_ids(feed) == {lyon.pk}
    listing = client.get("/evenements/" + query)
    assert {e.pk for e in listing.context["events"]} == entry_ids(feed)


def test_the_feed_names_its_selection_and_links_back_to_the_listing(client, settings):
    settings.SITE_URL = "https://semaine-soin.example"
    EventFactory()
    feed = parsed(client, "?region=84&type=job_dating")
    assert "Auvergne-Rhône-Alpes" in feed.feed.title and "Job dating" in feed.feed.title
    links = {link.rel: link.href for link in feed.feed.links}
    assert links["alternate"] == (
        "https://semaine-soin.example/evenements/?region=84&type=job_dating"
    )
    assert links["self"] == (
        "https://semaine-soin.example/evenements/flux.atom?region=84&type=job_dating"
    )


def test_an_entry_gives_the_dates_in_french_the_place_and_an_absolute_link(client, settings):
    settings.SITE_URL = "https://semaine-soin.example"
    start = timezone.make_aware(datetime.datetime(2031, 4, 8, 9, 30))  # Europe/Paris
    event = EventFactory(
        title="Job dating des EHPAD",
        start=start,
        end=start + datetime.timedelta(hours=3),
        organiser=OrganiserFactory(name="France Travail Lyon Part-Dieu"),
    )
    (entry,) = parsed(client).entries
    assert entry.title == "Job dating des EHPAD"
    assert entry.link == f"https://semaine-soin.example{event.get_absolute_url()}"
    assert entry.id == entry.link
    assert "Le mardi 8 avril 2031, de 09h30 à 12h30" in entry.summary
    assert "Agence France Travail, 12 rue de la République, 69003 Lyon" in entry.summary
    assert entry.author == "France Travail Lyon Part-Dieu"
    assert {tag.term for tag in entry.tags} == {"Job dating", "Sur place"}


def test_an_overseas_event_is_dated_in_its_own_time_zone(client):
    start = datetime.datetime(2031, 4, 8, 9, 0, tzinfo=datetime.UTC)  # 05h00 in Guadeloupe
    EventFactory(
        start=start,
        end=start + datetime.timedelta(hours=2),
        department=Department.objects.get(code="971"),
        postcode="97110",
        city="Pointe-à-Pitre",
    )
    (entry,) = parsed(client).entries
    assert "de 05h00 à 07h00 (heure locale)" in entry.summary


def test_an_online_event_says_so_and_a_cancelled_one_is_titled_as_cancelled(client):
    EventFactory(title="Salon en ligne", modalite=Event.Modalite.DISTANCIEL, department=None)
    EventFactory(title="Forum", status=Event.Status.CANCELLED)
    entries = {e.title: e for e in parsed(client).entries}
    assert "<p>En ligne</p>" in entries["Salon en ligne"].summary
    assert "Annulé : Forum" in entries


def test_entries_come_most_recently_published_or_changed_first(client):
    older, newer = EventFactory(start=in_days(3)), EventFactory(start=in_days(30))
    Event.objects.filter(pk=older.pk).update(updated_at=timezone.now() - datetime.timedelta(days=2))
    feed = parsed(client)
    assert [e.title for e in feed.entries] == [newer.title, older.title]
    assert feed.entries[0].updated_parsed > feed.entries[1].updated_parsed


def test_an_event_published_by_the_admins_action_comes_first(client):
    draft = EventFactory(status=Event.Status.DRAFT)
    Event.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - datetime.timedelta(7))
    EventFactory()
    event_publish(events=Event.objects.filter(pk=draft.pk), user=None)
    assert parsed(client).entries[0].title == draft.title


def test_the_feed_is_bounded(client):
    organiser = OrganiserFactory()
    for _ in range(MAX_ENTRIES + 2):
        EventFactory(organiser=organiser)
    assert len(parsed(client).entries) == MAX_ENTRIES


@pytest.mark.parametrize(
    "query",
    [
        "?region=99",
        "?du=pas-une-date",
        "?type=inconnu&type=job_dating",
        "?du=2031-05-01&au=2031-04-01",
        "?lieu=Nullepart-sur-Mer",
        "?q=" + "x" * 5000,  # cut to the listing's length, then searched for
        "?page=-3&tri=%00",
    ],
)
def test_invalid_filters_are_ignored_as_the_listing_ignores_them(client, query):
    EventFactory()
    assert entry_ids(parsed(client, query)) == set(event_listing_ids(client, query))


def test_an_unknown_region_is_left_out_of_the_feeds_links(client, settings):
    settings.SITE_URL = "https://semaine-soin.example"
    EventFactory()
    feed = parsed(client, "?region=99&type=job_dating")
    links = {link.rel: link.href for link in feed.feed.links}
    assert links["self"] == "https://semaine-soin.example/evenements/flux.atom?type=job_dating"
    feed = parsed(client, "?du=2031-05-01&au=2031-04-01&public=jeunes")
    links = {link.rel: link.href for link in feed.feed.links}
    assert links["alternate"] == "https://semaine-soin.example/evenements/?public=jeunes"


def test_only_get_and_head_are_allowed(client):
    assert client.post(FEED).status_code == 405
    assert client.head(FEED).status_code == 200


def test_the_feed_is_cached_until_an_event_changes(client):
    event = EventFactory(title="Avant")
    assert [e.title for e in parsed(client).entries] == ["Avant"]
    Event.objects.filter(pk=event.pk).update(title="Après")
    assert [e.title for e in parsed(client).entries] == ["Après"]


def test_the_listing_and_a_region_page_link_their_feed_in_their_head(client):
    response = client.get("/evenements/?type=job_dating&region=99")
    html = response.content.decode()
    link = re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*>', html).group(0)
    assert 'href="/evenements/flux.atom?type=job_dating&amp;region=99"' in link
    html = client.get("/evenements/region/84/?type=forum").content.decode()
    assert 'href="/evenements/flux.atom?region=84&amp;type=forum"' in html
    assert 'href="/evenements/flux.atom"' in client.get("/evenements/").content.decode()


def test_the_partners_page_and_the_export_links_give_the_feed_of_the_selection(client, settings):
    settings.SITE_URL = "https://semaine-soin.example"
    html = client.get("/partenaires/?region=84&type=forum").content.decode()
    assert (
        'href="https://semaine-soin.example/evenements/flux.atom?region=84&amp;type=forum"' in html
    )
    assert "https://semaine-soin.example/offres/flux.atom" in html
    html = client.get("/evenements/region/84/?type=forum").content.decode()
    assert (
        '<a href="/evenements/flux.atom?region=84&amp;type=forum" type="application/atom+xml">'
        "Flux Atom</a>"
    ) in html
