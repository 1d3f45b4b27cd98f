"""`lieu`, `rayon` and `tri` on every output of the shared listing filters: the events
listing, exports, API and widget, and the offers listing and API."""

import csv
import io
import json

import pytest

from events.models import Event
from semaine.geo.locate import LocationSource
from semaine.models import Department
from tests.factories import EventFactory, OfferFactory

pytestmark = pytest.mark.django_db


def onsite(title, postcode, city, department, **kwargs):
    return EventFactory(
        title=title,
        postcode=postcode,
        city=city,
        department=Department.objects.get(code=department),
        **kwargs,
    )


def online_event(title, **kwargs):
    return EventFactory(
        title=title,
        modalite=Event.Modalite.DISTANCIEL,
        venue_name="",
        address="",
        postcode="",
        city="",
        department=None,
        capacity_onsite=None,
        online_url="https://visio.example/1",
        **kwargs,
    )


@pytest.fixture
def around_anse():
    """Anse (69480), a village of the Rhône, and events around it and elsewhere."""
    return {
        "anse": onsite("Job dating à Anse", "69480", "Anse", "69"),
        # 15 km away, across the border of the Ain.
        "ain": onsite("Forum de Villeneuve", "01480", "Villeneuve", "01"),
        "lyon": onsite("Atelier à Lyon", "69003", "Lyon", "69"),
        "paris": onsite("Salon à Paris", "75012", "Paris", "75"),
        "online": online_event("Webinaire aide à domicile"),
    }


def titles(response) -> list[str]:
    return [e.title for e in response.context["events"]]


def test_an_event_in_the_next_department_is_found_within_20_km_not_10(client, around_anse):
    assert "Forum de Villeneuve" in titles(client.get("/evenements/?lieu=69480&rayon=20"))
    assert "Forum de Villeneuve" not in titles(client.get("/evenements/?lieu=69480&rayon=10"))


def test_events_come_nearest_first_with_their_distance_and_online_ones_last(client, around_anse):
    response = client.get("/evenements/?lieu=Anse&rayon=50")

    assert titles(response) == [
        "Job dating à Anse",
        "Forum de Villeneuve",
        "Atelier à Lyon",
        "Webinaire aide à domicile",
    ]
    page = response.content.decode()
    assert "à moins d&#x27;1 km" in page
    assert "à 15 km" in page
    assert "Autour de <strong>Anse (69)</strong>, dans un rayon de 50 km" in page


def test_online_events_can_be_left_out_and_date_order_kept(client, around_anse):
    response = client.get("/evenements/?lieu=Anse&rayon=50&en_ligne=0&en_ligne=1&tri=date")
    assert "Webinaire aide à domicile" in titles(response)
    starts = [e.start for e in response.context["events"]]
    assert starts == sorted(starts)

    response = client.get("/evenements/?lieu=Anse&rayon=50&en_ligne=0")
    assert "Webinaire aide à domicile" not in titles(response)


def test_facets_are_counted_within_the_radius(client, around_anse):
    response = client.get("/evenements/?lieu=Anse&rayon=20&en_ligne=0")
    counts = response.context["facets"].counts["region"]
    assert counts == {"84": 2}  # Anse and Villeneuve; not Lyon (23 km), nor Paris


def test_the_online_events_follow_the_nearby_ones_across_pages(client, around_anse):
    import datetime

    from django.utils import timezone

    soon = timezone.now() + datetime.timedelta(days=1)
    webinars = [
        online_event(f"Webinaire {i:02d}", start=soon + datetime.timedelta(hours=i))
        for i in range(20)
    ]
    first = client.get("/evenements/?lieu=Anse&rayon=20")
    second = client.get("/evenements/?lieu=Anse&rayon=20&page=2")

    # Anse and Villeneuve by distance, then the 21 online events by date, 20 a page.
    assert first.context["facets"].total == 23
    assert titles(first) == [
        "Job dating à Anse",
        "Forum de Villeneuve",
        *(w.title for w in webinars[:18]),
    ]
    assert titles(second) == [*(w.title for w in webinars[18:]), "Webinaire aide à domicile"]
    counts = first.context["facets"].counts
    assert counts["modalite"] == {"presentiel": 2, "distanciel": 21}
    assert counts["region"] == {"84": 2}
    assert counts["type"] == {"job_dating": 23}


def test_near_me_counts_the_online_events_of_the_other_filters_only(client, around_anse):
    online_event("Forum en ligne", type=Event.Type.FORUM)
    response = client.get("/evenements/?lieu=Anse&rayon=20&type=forum")

    assert titles(response) == ["Forum en ligne"]
    counts = response.context["facets"].counts
    assert counts["type"] == {"job_dating": 3, "forum": 1}  # Anse, Villeneuve, one webinar
    assert counts["modalite"] == {"distanciel": 1}


def test_an_ambiguous_place_uses_the_most_populous_and_links_the_others(client):
    onsite("Forum de Saint-Denis", "93200", "Saint-Denis", "93")
    response = client.get("/evenements/?lieu=Saint-Denis")
    page = response.content.decode()
    assert "Autour de <strong>Saint-Denis (974)</strong>" in page
    assert '<a href="?lieu=Saint-Denis+%2893%29">Saint-Denis (93)</a>' in page
    assert titles(client.get("/evenements/?lieu=Saint-Denis+(93)")) == ["Forum de Saint-Denis"]


def test_an_unknown_place_says_so_and_suggests_close_names(client, around_anse):
    response = client.get("/evenements/?lieu=Lyonn")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Aucune commune ne s&#x27;appelle « Lyonn »" in page
    assert '<a href="?lieu=Lyon+%2869%29">Lyon (69)</a>' in page
    assert len(response.context["events"]) == 5  # the place is ignored, not guessed


@pytest.mark.parametrize(
    "query,message",
    [
        ("lieu=Anse&rayon=-5", "Rayon inconnu : 30 km retenus."),
        ("lieu=Anse&rayon=99999", "Rayon inconnu : 30 km retenus."),
        ("lieu=Anse&rayon=abc", "Rayon inconnu : 30 km retenus."),
        ("lieu=" + "x" * 10_000, "au plus 100 caractères"),
        ("lieu=99999", "Aucune commune n&#x27;a le code postal 99999."),
    ],
)
def test_bad_place_parameters_get_a_french_message(client, around_anse, query, message):
    response = client.get(f"/evenements/?{query}")
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.parametrize("query", ["rayon=-5", "rayon=abc", "lieu=99999", "lieu=Lyonn"])
def test_the_api_refuses_bad_place_parameters_with_a_400(client, around_anse, query):
    response = client.get(f"/api/v1/evenements/?lieu=Anse&{query}")
    assert response.status_code == 400
    assert set(response.json()) <= {"lieu", "rayon"}


def test_csv_api_and_widget_give_the_same_selection_in_the_same_order(client, around_anse):
    query = "?lieu=Anse&rayon=30&en_ligne=0"
    expected = ["Job dating à Anse", "Forum de Villeneuve", "Atelier à Lyon"]

    api = client.get(f"/api/v1/evenements/{query}").json()["results"]
    assert [e["title"] for e in api] == expected
    assert [e["distance_km"] for e in api] == [0.0, pytest.approx(14.9, abs=0.1), 23.0] or (
        api[2]["distance_km"] > api[1]["distance_km"]
    )
    assert api[0]["latitude"] == pytest.approx(45.93, abs=0.05)

    content = b"".join(client.get(f"/evenements/export.csv{query}").streaming_content)
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert [row["Titre"] for row in rows] == expected

    exported = json.loads(b"".join(client.get(f"/evenements/export.json{query}").streaming_content))
    assert [e["title"] for e in exported] == expected

    widget = client.get(f"/widget/evenements/{query}").content.decode()
    positions = [widget.index(title) for title in expected]
    assert positions == sorted(positions)
    assert "Salon à Paris" not in widget


def test_without_a_place_the_api_has_coordinates_but_no_distance(client, around_anse):
    events = {e["title"]: e for e in client.get("/api/v1/evenements/").json()["results"]}
    assert "distance_km" not in events["Atelier à Lyon"]
    assert events["Atelier à Lyon"]["latitude"] == pytest.approx(45.753, abs=0.01)
    assert events["Webinaire aide à domicile"]["latitude"] is None


def test_offers_are_filtered_and_sorted_around_a_place_too(client):
    OfferFactory(title="Aide-soignant à Villeurbanne", postcode="69100", city="Villeurbanne")
    OfferFactory(title="Infirmier à Lyon", postcode="69003", city="Lyon")
    OfferFactory(title="Infirmier à Rennes")

    response = client.get("/offres/?lieu=Villeurbanne&rayon=10")
    assert [o.title for o in response.context["offers"]] == [
        "Aide-soignant à Villeurbanne",
        "Infirmier à Lyon",
    ]
    assert "à 2 km" in response.content.decode() or "à 3 km" in response.content.decode()

    api = client.get("/api/v1/offres/?lieu=Villeurbanne&rayon=10").json()["results"]
    assert [o["title"] for o in api] == ["Aide-soignant à Villeurbanne", "Infirmier à Lyon"]
    assert api[0]["distance_km"] == 0.0


def test_an_address_matching_no_commune_is_flagged_not_placed(client):
    event = onsite("Forum introuvable", "69003", "Marseille", "69")
    assert event.location_source == LocationSource.NOT_FOUND
    assert event.latitude is None
    assert "Forum introuvable" not in titles(client.get("/evenements/?lieu=Lyon&rayon=100"))


def test_a_place_with_a_percent_sign_is_refused_cleanly(client):
    response = client.get("/api/v1/offres/?lieu=%25s%25d%25%28x%29s")
    assert response.status_code == 400
    assert "Aucune commune" in response.json()["lieu"][0]
