import datetime

import pytest
from django.utils import timezone

from events.models import Event
from offers.models import Offer
from offers.related import event_related_offers, offer_related_events, work_study_offers
from semaine.models import Department, Trade
from tests.factories import EventFactory, OfferFactory

pytestmark = pytest.mark.django_db


def in_days(days):
    return timezone.now() + datetime.timedelta(days=days)


def place(code, city, postcode):
    return {"department": Department.objects.get(code=code), "city": city, "postcode": postcode}


def rennes():
    return place("35", "Rennes", "35000")


def brest():
    return place("29", "Brest", "29200")


def lyon():
    return place("69", "Lyon", "69003")


def test_an_offer_lists_upcoming_events_of_its_trade_department_first_then_region():
    offer = OfferFactory(**rennes())  # J1501 aide-soignant
    in_region_soon = EventFactory(
        title="Brest, bientôt", start=in_days(2), trades=["J1501"], **brest()
    )
    in_department_later = EventFactory(
        title="Rennes, plus tard", start=in_days(20), trades=["J1501"], **rennes()
    )
    EventFactory(title="Autre métier", start=in_days(3), trades=["J1506"], **rennes())
    EventFactory(title="Autre région", start=in_days(3), trades=["J1501"], **lyon())
    EventFactory(title="Passé", start=in_days(-3), trades=["J1501"], **rennes())
    EventFactory(
        title="Annulé",
        start=in_days(3),
        trades=["J1501"],
        status=Event.Status.CANCELLED,
        **rennes(),
    )
    EventFactory(
        title="Brouillon", start=in_days(3), trades=["J1501"], status=Event.Status.DRAFT, **rennes()
    )

    events = offer_related_events(offer=offer)

    assert [e.title for e in events] == [in_department_later.title, in_region_soon.title]


def test_an_event_that_names_the_offer_comes_first_on_the_offer_page(client):
    offer = OfferFactory(**rennes())
    nearby = EventFactory(title="Job dating Rennes", start=in_days(2), trades=["J1501"], **rennes())
    naming = EventFactory(title="Forum Lyon", start=in_days(9), trades=["J1506"], **lyon())
    naming.offers.add(offer)

    response = client.get(offer.get_absolute_url())

    assert [e.title for e in response.context["events"]] == [naming.title, nearby.title]
    assert "Forum Lyon" in response.content.decode()


def test_an_offer_without_event_nearby_points_to_the_events_of_its_trade(client):
    offer = OfferFactory(**rennes())

    html = client.get(offer.get_absolute_url()).content.decode()

    assert "Aucun événement à venir de ce métier" in html
    assert 'href="/evenements/?metier=J1501"' in html


def test_an_event_lists_the_offers_it_names_then_open_offers_of_its_trades_nearby():
    event = EventFactory(trades=["J1501"], **rennes())
    named = OfferFactory(title="Nommée par l'événement", trade=None, **lyon())
    event.offers.add(named)
    region = OfferFactory(title="Brest", **brest())
    department = OfferFactory(title="Rennes, plus ancienne", published_at=in_days(-5), **rennes())
    OfferFactory(title="Autre métier", trade=None, **rennes())
    OfferFactory(title="Autre région", **lyon())
    OfferFactory(title="Close", status=Offer.Status.CLOSED, **rennes())

    offers = event_related_offers(event=event)

    assert [o.title for o in offers] == [named.title, department.title, region.title]


def test_an_online_event_lists_offers_of_its_trades_anywhere():
    event = EventFactory(
        modalite=Event.Modalite.DISTANCIEL,
        address="",
        postcode="",
        city="",
        department=None,
        trades=["J1506"],
    )
    OfferFactory(title="Aide-soignant", **lyon())
    nurse = OfferFactory(
        title="Infirmier", trade=Trade.objects.current().get(code="J1506"), **lyon()
    )

    assert [o.title for o in event_related_offers(event=event)] == [nurse.title]


def test_the_event_page_shows_its_related_offers(client):
    event = EventFactory(trades=["J1501"], **rennes())
    OfferFactory(title="Aide-soignant de jour (H/F)", **rennes())

    html = client.get(event.get_absolute_url()).content.decode()

    assert "Offres d'emploi et formations liées" in html
    assert "Aide-soignant de jour (H/F)" in html
    assert 'href="/offres/?metier=J1501&amp;region=53"' in html


def test_an_event_page_without_related_offers_has_no_empty_section(client):
    event = EventFactory(trades=["J1506"], **rennes())

    html = client.get(event.get_absolute_url()).content.decode()

    assert "Offres d'emploi et formations liées" not in html


def test_the_home_page_has_the_work_study_block(client):
    OfferFactory(title="Aide-soignant en apprentissage", work_study=True)
    OfferFactory(
        nature=Offer.Nature.FORMATION, title="Formation DEAS en alternance", work_study=True
    )
    OfferFactory(title="Sans alternance")
    OfferFactory(title="Close", work_study=True, status=Offer.Status.CLOSED)

    html = client.get("/").content.decode()

    assert "10 000 places en alternance" in html
    assert "<strong>1</strong> offre d'emploi en alternance" in html
    assert "<strong>1</strong> formation en alternance" in html
    assert "Aide-soignant en apprentissage" in html
    assert "Sans alternance" not in html
    assert 'href="/offres/?alternance=1"' in html


def test_the_work_study_counts_follow_the_offers_at_once():
    OfferFactory(work_study=True)
    assert work_study_offers()[0] == {"jobs": 1, "trainings": 0}
    OfferFactory(nature=Offer.Nature.FORMATION, work_study=True)
    assert work_study_offers()[0] == {"jobs": 1, "trainings": 1}
    Offer.objects.update(status=Offer.Status.CLOSED)  # a bulk change: no model signal
    assert work_study_offers()[0] == {"jobs": 0, "trainings": 0}


def test_an_event_finds_its_related_offers_in_one_query(django_assert_num_queries):
    event = EventFactory(trades=["J1501", "J1506"], **rennes())
    event.offers.add(OfferFactory(**lyon()))
    OfferFactory.create_batch(3, **brest())

    with django_assert_num_queries(1):
        offers = event_related_offers(event=event)

    assert len(offers) == 4
