"""/api/v1/metiers/?q=: the trades a search box suggests, with their upcoming events."""

import pytest

from events.models import Event
from tests.factories import EventFactory, in_days

API = "/api/v1/metiers/"


def suggested(client, q):
    response = client.get(API, {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()["results"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "first"),
    [
        ("IDE", "J1506"),
        ("infirmière", "J1506"),
        ("infirm", "J1506"),
        ("AS", "J1501"),
        ("aide-soi", "J1501"),
        ("monitrice", "K1208"),
        ("DEAES", "K1306"),
        ("puéricultrice", "J1507"),
    ],
)
def test_the_trade_a_word_means_comes_first(client, q, first):
    results = suggested(client, q)
    assert results[0]["code"] == first
    assert len(results) <= 8


def test_each_trade_has_its_label_code_and_number_of_upcoming_events(client, db):
    EventFactory.create_batch(2, trades=["J1501"])
    EventFactory(trades=["J1501"], start=in_days(-40))  # past
    EventFactory(trades=["J1501"], status=Event.Status.DRAFT)
    EventFactory(trades=["J1501"], status=Event.Status.CANCELLED)
    assert suggested(client, "DEAS")[0] == {
        "code": "J1501",
        "label": "Aide-soignant / Aide-soignante",
        "upcoming_events": 2,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["", "   ", "astronaute", "😀", "x" * 5000, "' OR 1=1 --", "%_\\"])
def test_nothing_to_suggest_is_an_empty_list(client, q):
    assert suggested(client, q) == []


def test_a_new_event_counts_at_once(client, db):
    assert suggested(client, "EJE")[0]["upcoming_events"] == 0
    EventFactory(trades=["K1202"])
    assert suggested(client, "EJE")[0]["upcoming_events"] == 1


def test_the_search_box_carries_the_suggestion_contract(client, db):
    html = client.get("/evenements/").content.decode()
    assert 'data-suggest-url="/api/v1/metiers/"' in html
    assert 'data-suggest-text="label"' in html
    assert 'data-suggest-fill="metier=code"' in html
    assert 'data-suggest-clear="q"' in html
    assert "data-suggest-submit" in html
    assert 'data-suggest-url="/api/v1/metiers/"' in client.get("/offres/").content.decode()
