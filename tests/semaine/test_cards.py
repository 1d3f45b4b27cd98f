"""Listing cards kept as HTML between pages (semaine.cards)."""

import pytest
from django.core.cache import cache

from events.models import Event
from offers.models import Offer
from tests.factories import EventFactory, OfferFactory

pytestmark = pytest.mark.django_db


def card_keys() -> list[str]:
    return [key for key in cache._cache if ":card:includes/event_card" in key]  # noqa: SLF001 - local memory cache


def test_a_card_made_for_one_selection_serves_the_next(client):
    EventFactory(title="Job dating à Lyon", trades=["J1501"])
    client.get("/evenements/?region=84")
    assert len(card_keys()) == 1
    assert "Job dating à Lyon" in client.get("/evenements/?metier=J1501").text
    assert len(card_keys()) == 1  # the same card, not made again


def test_an_edited_event_shows_its_new_card_at_once(client):
    event = EventFactory(title="Job dating à Lyon")
    assert "Job dating à Lyon" in client.get("/evenements/").text
    event.title = "Forum de l'emploi à Lyon"
    event.save()
    assert "Forum de l&#x27;emploi à Lyon" in client.get("/evenements/?region=84").text

    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    assert "card-cancelled" in client.get("/evenements/?type=job_dating").text


def test_the_same_event_near_two_places_shows_each_distance(client):
    EventFactory(title="Job dating à Lyon", postcode="69003", city="Lyon")
    assert "card-distance" in client.get("/evenements/?lieu=Villeurbanne&rayon=10").text
    near_lyon = client.get("/evenements/?lieu=Lyon&rayon=10").text
    near_villeurbanne = client.get("/evenements/?lieu=Villeurbanne&rayon=10&tri=date").text
    distance = 'class="card-distance">'
    assert near_lyon.split(distance)[1][:15] != near_villeurbanne.split(distance)[1][:15]


def test_an_offer_closed_shows_on_its_card_at_once(client):
    offer = OfferFactory(title="Aide-soignant de nuit")
    assert "Aide-soignant de nuit" in client.get("/offres/").text
    offer.title = "Aide-soignant de jour"
    offer.save()
    assert "Aide-soignant de jour" in client.get("/offres/?region=53").text
    Offer.objects.filter(pk=offer.pk).update(nature=Offer.Nature.FORMATION)
    assert "Organisme non précisé" in client.get("/offres/?metier=J1501").text
