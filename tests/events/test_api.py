import datetime
import zoneinfo

import pytest
from django.conf import settings
from openapi_spec_validator import validate

from events.models import Event
from events.serializers import EventSerializer
from semaine.models import Department
from tests.factories import EventFactory, api_ids, event_listing_ids, in_days

pytestmark = pytest.mark.django_db

API = "/api/v1/evenements/"
REUNION = zoneinfo.ZoneInfo("Indian/Reunion")


def test_without_filters_the_api_lists_what_the_listing_shows_by_default(client):
    shown = EventFactory(start=in_days(3))
    cancelled = EventFactory(start=in_days(4), status=Event.Status.CANCELLED)
    EventFactory(status=Event.Status.DRAFT)
    EventFactory(start=in_days(-2))
    assert api_ids(client, API) == [shown.pk, cancelled.pk]


def test_an_event_has_the_documented_field_names_and_values(client):
    start = datetime.datetime(2031, 4, 23, 9, 30, tzinfo=REUNION)
    event = EventFactory(
        title="Job dating aide à domicile",
        department=Department.objects.get(code="974"),
        city="Saint-Denis",
        postcode="97400",
        address="2 rue de Paris",
        start=start,
        end=start + datetime.timedelta(hours=2),
        capacity_onsite=30,
        trades=["J1501", "K1302"],
    )
    Event.objects.filter(pk=event.pk).update(confirmed_onsite=12)
    [item] = client.get(API).json()["results"]
    assert item["id"] == event.pk
    assert item["url"] == "http://127.0.0.1:8000" + event.get_absolute_url()
    assert item["title"] == "Job dating aide à domicile"
    assert item["type"] == "job_dating"
    assert item["modalite"] == "presentiel"
    assert item["start"] == "2031-04-23T09:30:00+04:00"
    assert item["end"] == "2031-04-23T11:30:00+04:00"
    assert item["timezone"] == "Indian/Reunion"
    assert item["region"] == {"code": "04", "name": "La Réunion"}
    assert item["departement"] == {"code": "974", "name": "La Réunion"}
    assert (item["city"], item["postcode"], item["address"]) == (
        "Saint-Denis",
        "97400",
        "2 rue de Paris",
    )
    assert item["online_url"] is None
    assert item["organiser"]["name"] == event.organiser.name
    assert [m["code"] for m in item["metiers"]] == ["J1501", "K1302"]
    assert item["public"] == "tous"
    assert item["capacity"] == 30
    assert item["seats_left"] == 18
    assert "seats_left_presentiel" not in item
    assert item["status"] == "published"
    assert item["registration_url"] == f"{settings.SITE_URL}/evenements/{event.pk}/inscription/"
    assert item["updated_at"].endswith("+00:00")


def test_seats_left_follow_the_mode_and_hybrid_events_give_both(client):
    online = EventFactory(
        modalite=Event.Modalite.DISTANCIEL, capacity_onsite=None, capacity_online=100
    )
    hybrid = EventFactory(
        modalite=Event.Modalite.HYBRIDE, capacity_onsite=10, capacity_online=50, start=in_days(11)
    )
    Event.objects.filter(pk=online.pk).update(confirmed_online=40)
    Event.objects.filter(pk=hybrid.pk).update(confirmed_onsite=10, confirmed_online=5)
    by_id = {item["id"]: item for item in client.get(API).json()["results"]}
    assert by_id[online.pk]["seats_left"] == 60
    assert "seats_left_distanciel" not in by_id[online.pk]
    assert by_id[hybrid.pk]["seats_left_presentiel"] == 0
    assert by_id[hybrid.pk]["seats_left_distanciel"] == 45
    assert by_id[hybrid.pk]["seats_left"] == 45


def test_cancelled_events_say_so_and_offer_no_registration(client):
    EventFactory(status=Event.Status.CANCELLED)
    [item] = client.get(API).json()["results"]
    assert item["status"] == "cancelled"
    assert item["registration_url"] is None


def test_the_schema_declares_exactly_the_fields_an_event_has(client):
    EventFactory(modalite=Event.Modalite.HYBRIDE)
    # Around a place (`lieu`), so that the optional distance_km is there too.
    [item] = client.get(API + "?lieu=Lyon").json()["results"]
    assert set(item) == set(EventSerializer().fields)


@pytest.mark.parametrize(
    "query",
    [
        "?region=84",
        "?departement=31",
        "?type=forum&type=atelier",
        "?modalite=hybride",
        "?metier=J1501",
        "?secteur=K",
        "?passes=1",
        "?places=1",
        "?q=Toulouse",
        "?du=2000-01-01&au=2100-01-01",
    ],
)
def test_filters_select_the_same_rows_as_the_listing(client, query):
    toulouse = Department.objects.get(code="31")
    for i in range(23):
        EventFactory(
            start=in_days(1 + i % 7, hour=8 + i % 9),
            department=toulouse if i % 3 else Department.objects.get(code="69"),
            city="Toulouse" if i % 3 else "Lyon",
            type=[Event.Type.FORUM, Event.Type.ATELIER, Event.Type.JOB_DATING][i % 3],
            modalite=Event.Modalite.HYBRIDE if i % 4 == 0 else Event.Modalite.PRESENTIEL,
            trades=["J1501"] if i % 2 else ["K1302"],
            capacity_onsite=0 if i % 5 == 0 else 20,
        )
    EventFactory(start=in_days(-4), department=toulouse)
    expected = event_listing_ids(client, query)
    assert expected
    assert api_ids(client, API + query + "&page_size=7") == expected


def test_pages_have_next_and_previous_links(client):
    events = [EventFactory(start=in_days(i + 1)) for i in range(5)]
    first = client.get(API, {"page_size": 2}).json()
    assert first["count"] == 5
    assert first["previous"] is None
    assert [e["id"] for e in first["results"]] == [events[0].pk, events[1].pk]
    second = client.get(first["next"]).json()
    assert [e["id"] for e in second["results"]] == [events[2].pk, events[3].pk]
    assert client.get(second["previous"]).json() == first


def test_a_huge_page_size_is_capped(client):
    EventFactory.create_batch(101)
    data = client.get(API, {"page_size": 10**9}).json()
    assert len(data["results"]) == 100
    assert data["next"] is not None


@pytest.mark.parametrize("page_size", ["-5", "abc", "0", "1e9"])
def test_a_nonsense_page_size_falls_back_to_the_default(client, page_size):
    EventFactory.create_batch(21)
    response = client.get(API, {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 20


@pytest.mark.parametrize("page", ["999999", "0", "abc", "9" * 40])
def test_a_page_that_does_not_exist_is_a_400_with_a_json_error(client, page):
    EventFactory()
    response = client.get(API, {"page": page})
    assert response.status_code == 400
    assert "page" in response.json()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"region": "ZZ"}, "region"),
        ({"departement": "999"}, "departement"),
        ({"type": "concert"}, "type"),
        ({"modalite": "teleportation"}, "modalite"),
        ({"du": "2031-02-30"}, "du"),
        ({"du": "2031-05-01", "au": "2031-04-01"}, "au"),
        ({"metier": "Z9999"}, "metier"),
    ],
)
def test_invalid_filter_values_are_a_400_with_a_json_error_body(client, query, field):
    EventFactory()
    response = client.get(API, query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert field in response.json()


def test_keywords_past_the_documented_length_are_cut_not_refused(client):
    event = EventFactory(title="Forum des infirmières")
    response = client.get(API, {"q": "infirmière " + "x" * 500})
    assert response.status_code == 200
    assert response.json()["count"] == 0  # "xxx…" cut at 200 characters is still a word
    response = client.get(API, {"q": "infirmière" + " " * 200 + "astronaute"})
    assert [e["id"] for e in response.json()["results"]] == [event.pk]


@pytest.mark.parametrize("q", ["' OR 1=1 --", "<script>", '"', "&|!():*", "\x00"])
def test_injection_strings_in_keywords_are_harmless(client, q):
    EventFactory()
    assert client.get(API, {"q": q}).status_code in (200, 400)


def test_detail_finds_any_visible_event_even_past_ones(client):
    past = EventFactory(start=in_days(-10))
    response = client.get(f"{API}{past.pk}/")
    assert response.status_code == 200
    assert response.json()["id"] == past.pk


@pytest.mark.parametrize("path", ["draft", "999999/", "abc/", "1.5/"])
def test_detail_of_a_draft_or_unknown_event_is_404(client, path):
    draft = EventFactory(status=Event.Status.DRAFT)
    url = f"{API}{draft.pk}/" if path == "draft" else API + path
    assert client.get(url).status_code == 404


def test_conditional_requests_get_a_304_until_something_changes(client):
    event = EventFactory()
    first = client.get(API)
    etag = first["ETag"]
    assert etag
    assert client.get(API, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # A seat taken changes the representation, hence the ETag.
    Event.objects.filter(pk=event.pk).update(confirmed_onsite=1)
    changed = client.get(API, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    detail = client.get(f"{API}{event.pk}/")
    assert client.get(f"{API}{event.pk}/", HTTP_IF_NONE_MATCH=detail["ETag"]).status_code == 304


def test_any_site_may_read_the_api_from_a_browser(client):
    EventFactory()
    response = client.get(API, HTTP_ORIGIN="https://region.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        API, HTTP_ORIGIN="https://region.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert preflight.status_code == 200
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]


def test_the_api_is_read_only(client):
    event = EventFactory()
    assert client.post(API, {}, content_type="application/json").status_code == 405
    assert client.delete(f"{API}{event.pk}/").status_code == 405


def test_the_openapi_schema_is_valid_and_documents_the_filters(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/evenements/", "/api/v1/evenements/{id}/", "/api/v1/offres/"} <= set(
        schema["paths"]
    )
    params = {p["name"] for p in schema["paths"]["/api/v1/evenements/"]["get"]["parameters"]}
    assert {"region", "departement", "type", "modalite", "du", "au", "metier", "q"} <= params
    assert {"page", "page_size", "places", "passes", "public", "secteur"} <= params
    event = schema["components"]["schemas"]["Event"]
    assert "seats_left_presentiel" not in event["required"]
    assert "seats_left" in event["required"]


def test_the_docs_need_no_cdn_and_no_inline_script(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar" in html
    assert "cdn." not in html and "unpkg" not in html
    assert "<script>" not in html


def test_a_page_costs_the_same_few_queries_whatever_its_size(client, django_assert_max_num_queries):
    for i in range(30):
        EventFactory(start=in_days(i + 1), trades=["J1501", "K1302"])
    # Data versions (page cache), count, page (with departments, regions, organisers, trade
    # ids), trade labels.
    with django_assert_max_num_queries(4):
        response = client.get(API, {"page_size": 30})
    assert response.status_code == 200
    data = response.json()
    assert len(data["results"]) == 30
    assert all(len(item["metiers"]) == 2 for item in data["results"])


def test_a_cached_api_answer_follows_every_change(client):
    event = EventFactory(title="Forum santé", capacity_onsite=20)
    assert client.get(API).json()["results"][0]["seats_left"] == 20
    Event.objects.filter(pk=event.pk).update(confirmed_onsite=3)
    assert client.get(API).json()["results"][0]["seats_left"] == 17
    event.refresh_from_db()
    event.title = "Forum santé et social"
    event.save()
    assert client.get(API).json()["results"][0]["title"] == "Forum santé et social"
