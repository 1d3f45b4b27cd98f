"""/sitemap.xml: an index of sections (events, offers, region pages, programme, pages)."""

import datetime

import pytest
from defusedxml import ElementTree as ET
from django.utils import timezone

from events.models import Event
from offers.models import Offer
from semaine.models import Region
from tests.factories import EventFactory, OfferFactory, in_days

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SITE = "https://semaine-soin.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def locations(client, url) -> dict[str, str | None]:
    """Each URL of a section with its lastmod."""
    root = xml(client, url)
    return {
        u.find("sm:loc", NS).text: getattr(u.find("sm:lastmod", NS), "text", None)
        for u in root.findall("sm:url", NS)
    }


def test_the_index_lists_each_section_on_the_site_url(client):
    EventFactory()
    OfferFactory()
    root = xml(client, "/sitemap.xml")
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    listed = [s.find("sm:loc", NS).text for s in root.findall("sm:sitemap", NS)]
    assert listed == [
        f"{SITE}/sitemap-{name}.xml"
        for name in ("evenements", "offres", "regions", "programme", "pages")
    ]
    for location in listed:
        assert client.get(location.removeprefix(SITE)).status_code == 200


def test_the_events_section_lists_published_events_to_come_with_their_last_change(client):
    event = EventFactory()
    EventFactory(status=Event.Status.DRAFT)
    EventFactory(status=Event.Status.CANCELLED)
    EventFactory(start=in_days(-10))  # past
    changed = timezone.make_aware(datetime.datetime(2031, 2, 3, 4, 5))
    Event.objects.filter(pk=event.pk).update(updated_at=changed)
    urls = locations(client, "/sitemap-evenements.xml")
    assert urls == {f"{SITE}{event.get_absolute_url()}": "2031-02-03"}
    index = xml(client, "/sitemap.xml")
    (events_entry,) = [
        s for s in index.findall("sm:sitemap", NS) if s.find("sm:loc", NS).text.endswith("nts.xml")
    ]
    assert events_entry.find("sm:lastmod", NS).text.startswith("2031-02-03")


def test_the_offers_section_lists_open_offers(client):
    offer = OfferFactory()
    OfferFactory(status=Offer.Status.CLOSED)
    assert set(locations(client, "/sitemap-offres.xml")) == {f"{SITE}{offer.get_absolute_url()}"}


def test_region_pages_carry_the_last_change_of_their_events(client):
    event = EventFactory()  # Auvergne-Rhône-Alpes
    Event.objects.filter(pk=event.pk).update(
        updated_at=timezone.make_aware(datetime.datetime(2031, 1, 2, 12))
    )
    urls = locations(client, "/sitemap-regions.xml")
    assert len(urls) == Region.objects.count()
    assert urls[f"{SITE}/evenements/region/84/"] == "2031-01-02"
    assert urls[f"{SITE}/evenements/region/53/"] is None


def test_the_programme_and_the_main_pages_are_listed(client):
    EventFactory()
    assert set(locations(client, "/sitemap-programme.xml")) == {f"{SITE}/evenements/programme/"}
    assert set(locations(client, "/sitemap-pages.xml")) == {
        f"{SITE}/",
        f"{SITE}/evenements/",
        f"{SITE}/offres/",
        f"{SITE}/partenaires/",
    }


def test_a_new_event_shows_in_the_cached_section_at_once(client):
    EventFactory()
    assert len(locations(client, "/sitemap-evenements.xml")) == 1
    EventFactory()
    assert len(locations(client, "/sitemap-evenements.xml")) == 2


@pytest.mark.parametrize(
    "url", ["/sitemap-inconnue.xml", "/sitemap-evenements.xml?p=abc", "/sitemap-evenements.xml?p=9"]
)
def test_an_unknown_section_or_page_is_a_404(client, url):
    EventFactory()
    assert client.get(url).status_code == 404


def test_a_big_section_is_split_in_pages_the_index_lists(client, monkeypatch):
    from events.sitemaps import EventSitemap

    monkeypatch.setattr(EventSitemap, "limit", 2)
    for _ in range(5):
        EventFactory()
    index = xml(client, "/sitemap.xml")
    listed = [s.find("sm:loc", NS).text for s in index.findall("sm:sitemap", NS)]
    assert [u for u in listed if "evenements" in u] == [
        f"{SITE}/sitemap-evenements.xml",
        f"{SITE}/sitemap-evenements.xml?p=2",
        f"{SITE}/sitemap-evenements.xml?p=3",
    ]
    pages = [locations(client, f"/sitemap-evenements.xml?p={p}") for p in (1, 2, 3)]
    assert [len(p) for p in pages] == [2, 2, 1]
