"""Per-IP rate limits on exports, the API and registration POSTs: 429 with Retry-After."""

from unittest import mock

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from semaine.ratelimit import client_ip, client_network, network_of, parse_rate
from tests.factories import EventFactory
from tests.semaine.servers import RedisServer

pytestmark = pytest.mark.django_db

EXPORT = "/evenements/export.csv"
API = "/api/v1/evenements/"


@pytest.fixture(autouse=True)
def _limits_on(settings):
    settings.RATE_LIMITS = True


def test_exports_over_the_limit_get_a_french_429_page_with_retry_after(client, settings):
    settings.EXPORT_RATE_LIMIT = (2, 3600)
    assert client.get(EXPORT).status_code == 200
    assert client.get("/evenements/export.json").status_code == 200
    response = client.get("/evenements/export.ics")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert response["Content-Type"].startswith("text/html")
    assert "Trop de requêtes" in response.content.decode()


def test_the_api_over_the_limit_answers_json_429_with_retry_after(client, settings):
    settings.API_RATE_LIMIT = (2, 60)
    EventFactory()
    assert client.get(API).status_code == 200
    assert client.get("/api/v1/offres/").status_code == 200
    response = client.get(API)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "Réessayez" in response.json()["detail"]


def test_the_api_schema_counts_in_the_api_budget(client, settings):
    settings.API_RATE_LIMIT = (1, 60)
    assert client.get(API).status_code == 200
    assert client.get("/api/schema/").status_code == 429


def test_cached_api_answers_are_counted_too(client, settings):
    settings.API_RATE_LIMIT = (3, 60)
    statuses = [client.get(API).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_each_scope_has_its_own_budget(client, settings):
    settings.EXPORT_RATE_LIMIT = (1, 3600)
    settings.API_RATE_LIMIT = (1, 3600)
    assert client.get(EXPORT).status_code == 200
    assert client.get(API).status_code == 200
    assert client.get(EXPORT).status_code == 429
    assert client.get(API).status_code == 429


def test_another_address_is_not_affected(client, settings):
    settings.EXPORT_RATE_LIMIT = (1, 3600)
    assert client.get(EXPORT).status_code == 200
    assert client.get(EXPORT).status_code == 429
    assert Client(REMOTE_ADDR="203.0.113.7").get(EXPORT).status_code == 200


def test_behind_a_proxy_the_forwarded_address_is_counted_not_a_forged_one(settings):
    settings.EXPORT_RATE_LIMIT = (1, 3600)
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    first = Client(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")
    # The left part is the client's own claim: changing it buys no new budget.
    forged = Client(**proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1")
    other = Client(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert first.get(EXPORT).status_code == 200
    assert forged.get(EXPORT).status_code == 429
    assert other.get(EXPORT).status_code == 200


def test_with_redis_the_budget_is_counted_in_redis(client, settings, tmp_path):
    # Django's own Redis backend, which django-ratelimit does not list among those it supports.
    try:
        redis = RedisServer(tmp_path)
    except FileNotFoundError:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    try:
        settings.CACHES = {
            **settings.CACHES,
            "ratelimit": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis.url,
            },
        }
        settings.EXPORT_RATE_LIMIT = (2, 3600)
        assert [client.get(EXPORT).status_code for _ in range(3)] == [200, 200, 429]
        raw = caches["ratelimit"]._cache.get_client()
        keys = [key.decode() for key in raw.keys("*rl:*")]
        assert len(keys) == 1
        assert int(raw.get(keys[0])) == 3
    finally:
        redis.stop()


def test_a_count_lost_in_the_cache_lets_the_request_through(client, settings):
    settings.EXPORT_RATE_LIMIT = (1, 3600)
    assert client.get(EXPORT).status_code == 200
    # The key expired between django-ratelimit's add and incr: no count, no 429 either.
    with mock.patch.object(type(caches["ratelimit"]), "incr", side_effect=ValueError):
        assert client.get(EXPORT).status_code == 200
    assert client.get(EXPORT).status_code == 429


def test_rate_limits_off_turns_every_limit_off(client, settings):
    settings.RATE_LIMITS = False
    settings.EXPORT_RATE_LIMIT = (1, 3600)
    settings.API_RATE_LIMIT = (1, 3600)
    settings.REGISTRATION_RATE_LIMIT = (1, 3600)
    event = EventFactory(capacity_onsite=None)
    for n in range(3):
        assert client.get(EXPORT).status_code == 200
        assert client.get(API).status_code == 200
        response = client.post(
            reverse("events:register", args=[event.pk]),
            {
                "first_name": "Camille",
                "last_name": "Durand",
                "email": f"p{n}@example.org",
                "situation": "demandeur_emploi",
                "consent_contact": "on",
                "website": "",
            },
        )
        assert response.status_code == 302


def test_other_budgets_leave_pages_alone(client, settings):
    settings.EXPORT_RATE_LIMIT = (1, 3600)
    settings.API_RATE_LIMIT = (1, 3600)
    for _ in range(3):
        assert client.get("/evenements/").status_code == 200


@pytest.mark.parametrize(
    "url", ["/evenements/", "/evenements/region/84/", "/offres/", "/widget/evenements/"]
)
def test_listings_widget_and_partners_page_share_a_generous_budget(client, settings, url):
    settings.PAGES_RATE_LIMIT = (3, 60)
    # Every page counts, cached or not, whatever its query string.
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert client.get("/partenaires/").status_code == 200
    response = client.get(url, {"q": "infirmier"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "Trop de requêtes depuis votre adresse" in response.text
    # The events' own pages and the home page are not counted in it.
    assert client.get("/").status_code == 200


def test_a_flood_that_empties_the_page_cache_keeps_the_counts(client, settings):
    settings.EXPORT_RATE_LIMIT = (2, 3600)
    assert client.get(EXPORT).status_code == 200
    for n in range(400):  # beyond what the page cache keeps in memory (300)
        caches["default"].set(f"page:{n}", b"x")
    caches["default"].clear()
    assert client.get(EXPORT).status_code == 200
    assert client.get(EXPORT).status_code == 429


def test_the_defaults_are_generous_and_set(settings):
    from semaine import settings as project_settings

    assert project_settings.EXPORT_RATE_LIMIT[0] >= 100
    assert project_settings.API_RATE_LIMIT[0] >= 1000
    assert project_settings.PAGES_RATE_LIMIT == (600, 60)
    assert project_settings.REGISTRATION_RATE_LIMIT == (20, 3600)


def test_rate_limits_off_in_the_environment_is_read_as_off(monkeypatch):
    from semaine.env import env_bool

    monkeypatch.setenv("RATE_LIMITS", "off")
    assert env_bool("RATE_LIMITS", True) is False


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [("300/h", (300, 3600)), ("5/s", (5, 1)), ("off", None), ("0", None), ("10/D", (10, 86400))],
)
def test_rates_are_parsed(raw, parsed):
    assert parse_rate("EXPORT_RATE_LIMIT", raw) == parsed


@pytest.mark.parametrize("raw", ["300", "1/week", "0/h", "many/h"])
def test_a_wrong_rate_fails_loudly(raw):
    with pytest.raises(ImproperlyConfigured, match="EXPORT_RATE_LIMIT"):
        parse_rate("EXPORT_RATE_LIMIT", raw)


def test_an_ipv6_slash_64_is_counted_as_one_client(settings):
    settings.REGISTRATION_RATE_LIMIT = (2, 3600)
    settings.REGISTRATION_NETWORK_LIMIT = 0
    event = EventFactory(capacity_onsite=None)
    url = reverse("events:register", args=[event.pk])

    def post(address, n):
        data = {
            "first_name": "Camille",
            "last_name": "Durand",
            "email": f"p{n}@example.org",
            "consent_contact": "on",
        }
        return Client(REMOTE_ADDR=address).post(url, data).status_code

    # Invented addresses of one /64 share one budget.
    assert post("2001:db8:aa:bb::1", 1) == 302
    assert post("2001:db8:aa:bb:ffff:1:2:3", 2) == 302
    assert post("2001:db8:aa:bb::dead:beef", 3) == 429
    # The next /64 is another subscriber.
    assert post("2001:db8:aa:bc::1", 4) == 302


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:aa:bb:1:2:3:4", "2001:db8:aa:bb::/64"),
        ("2001:DB8:AA:BB::9", "2001:db8:aa:bb::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("", ""),
    ],
)
def test_a_client_is_counted_by_its_network(address, network):
    assert network_of(address) == network


def test_axes_still_sees_the_address_itself(rf, settings):
    # django-axes stores and shows the address (a GenericIPAddressField): not a network.
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="2001:db8:aa:bb::1")
    assert client_ip(request) == "2001:db8:aa:bb::1"
    assert client_network(request) == "2001:db8:aa:bb::/64"
    assert get_client_ip_address(request) == "2001:db8:aa:bb::1"
