"""/offres/flux.atom: the Atom feed of the offers listing's selection."""

import datetime
import re

import feedparser
import pytest
from django.utils import timezone

from offers.models import Offer
from semaine.models import Department
from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db

FEED = "/offres/flux.atom"


def parsed(client, query=""):
    response = client.get(FEED + query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    return feed


def entry_ids(feed) -> list[int]:
    return [int(re.search(r"/offres/(\d+)-", e.link).group(1)) for e in feed.entries]


def test_the_feed_lists_exactly_the_selection_newest_first(client):
    now = timezone.now()
    older = OfferFactory(contract_type=Offer.Contract.CDI, published_at=now - datetime.timedelta(3))
    newer = OfferFactory(contract_type=Offer.Contract.CDI, published_at=now)
    OfferFactory(contract_type=Offer.Contract.CDD)  # not this contract
    OfferFactory(contract_type=Offer.Contract.CDI, status=Offer.Status.CLOSED)
    OfferFactory(contract_type=Offer.Contract.CDI, department=Department.objects.get(code="69"))
    query = "?region=53&contrat=CDI"
    assert entry_ids(parsed(client, query)) == [newer.pk, older.pk]
    listing = client.get("/offres/" + query)
    assert [o.pk for o in listing.context["offers"]] == [newer.pk, older.pk]


def test_an_entry_gives_the_employer_the_place_the_dates_and_an_absolute_link(client, settings):
    settings.SITE_URL = "https://semaine-soin.example"
    offer = OfferFactory(
        title="Infirmier de nuit (H/F)",
        published_at=timezone.make_aware(datetime.datetime(2031, 3, 2, 10)),
        valid_through=datetime.date(2031, 4, 30),
    )
    (entry,) = parsed(client).entries
    assert entry.title == "Infirmier de nuit (H/F)"
    assert entry.link == f"https://semaine-soin.example{offer.get_absolute_url()}"
    assert "CHU de Rennes – Rennes (35)" in entry.summary
    assert "Publiée le 2 mars 2031, valable jusqu'au 30 avril 2031" in entry.summary
    assert entry.author == "CHU de Rennes"
    assert {tag.term for tag in entry.tags} == {"Offre d'emploi", "CDI"}
    links = {link.rel: link.href for link in parsed(client, "?nature=emploi").feed.links}
    assert links["self"] == "https://semaine-soin.example/offres/flux.atom?nature=emploi"
    assert links["alternate"] == "https://semaine-soin.example/offres/?nature=emploi"


@pytest.mark.parametrize("query", ["?nature=inconnue", "?contrat=XYZ", "?region=<script>"])
def test_invalid_filters_are_ignored_as_the_listing_ignores_them(client, query):
    offer = OfferFactory()
    assert entry_ids(parsed(client, query)) == [offer.pk]


def test_the_listing_links_its_feed_in_its_head(client):
    html = client.get("/offres/?nature=formation&alternance=1").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Flux Atom de ces offres" '
        'href="/offres/flux.atom?nature=formation&amp;alternance=1">'
    ) in html
