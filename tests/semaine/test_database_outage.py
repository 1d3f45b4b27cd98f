"""The database away, in process: the page cache's stale copies, the 503 page and its JSON twin,
the registration form kept. `test_faults.py` does the same with a real database stopped under
a real gunicorn."""

import time
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from events.models import Registration
from semaine.pagecache import STALE_SECONDS
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

DOWN = OperationalError("connection refused")
MESSAGE = "Le service est momentanément indisponible, réessayez dans quelques minutes"


@pytest.fixture
def visitor():
    return Client(raise_request_exception=False)


def database_down():
    """What a stopped server does to every query of the page cache and of the views."""
    return mock.patch("semaine.pagecache.data_versions", side_effect=DOWN)


def test_a_cached_page_is_served_stale_while_the_database_is_away(visitor):
    EventFactory(title="Forum des métiers du grand âge")
    fresh = visitor.get("/evenements/")
    assert fresh.status_code == 200
    with database_down():
        stale = visitor.get("/evenements/")
    assert stale.status_code == 200
    assert "Forum des métiers du grand âge" in stale.text
    assert stale["X-Page-Cache"] == "stale"
    assert stale["Warning"] == '110 - "Response is Stale"'
    assert stale["Cache-Control"] == "no-store"
    assert int(stale["Age"]) >= 0
    # Said on the page too, where a person reads it.
    assert "Le service est momentanément perturbé" in stale.text
    assert "date de moins d'une minute" in stale.text


def test_a_stale_page_is_served_for_a_bounded_time_only(visitor):
    visitor.get("/evenements/")
    made = time.time()
    with database_down(), mock.patch("time.time", return_value=made + STALE_SECONDS - 5):
        almost = visitor.get("/evenements/")
    with database_down(), mock.patch("time.time", return_value=made + STALE_SECONDS + 1):
        too_old = visitor.get("/evenements/")
    assert almost.status_code == 200
    assert int(almost["Age"]) >= STALE_SECONDS - 6
    assert too_old.status_code == 503
    assert STALE_SECONDS <= 15 * 60


def test_a_page_not_in_the_cache_answers_a_french_503_with_retry_after(visitor):
    with database_down():
        response = visitor.get("/evenements/?q=jamais-vu")
    assert response.status_code == 503
    assert MESSAGE in response.content.decode()
    assert 'lang="fr"' in response.content.decode()
    assert int(response["Retry-After"]) > 0


def test_the_api_answers_a_json_503(visitor):
    with database_down():
        response = visitor.get("/api/v1/evenements/?page_size=7")
    assert response.status_code == 503
    assert response.json() == {"detail": MESSAGE + "."}
    assert int(response["Retry-After"]) > 0


def test_a_bug_still_answers_500_not_503(visitor):
    with mock.patch("semaine.pagecache.data_versions", side_effect=ZeroDivisionError):
        response = visitor.get("/evenements/?q=bug")
    assert response.status_code == 500
    assert "Retry-After" not in response


def form_data(**overrides):
    return {
        "first_name": "Aïcha",
        "last_name": "Benali",
        "email": "aicha.benali@example.org",
        "phone": "06 12 34 56 78",
        "situation": "demandeur_emploi",
        "consent_contact": "on",
        **overrides,
    }


def test_a_registration_that_cannot_be_stored_shows_the_form_again_as_typed(visitor):
    event = EventFactory(title="Job dating EHPAD")
    url = reverse("events:register", args=[event.pk])
    visitor.get(url)
    with mock.patch("events.views.registration.registration_create", side_effect=DOWN):
        response = visitor.post(url, form_data())
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert MESSAGE in html
    assert "Job dating EHPAD" in html
    for typed in ("Aïcha", "Benali", "aicha.benali@example.org", "06 12 34 56 78"):
        assert f'value="{typed}"' in html
    assert Registration.objects.count() == 0


def test_the_form_comes_back_even_when_the_event_itself_cannot_be_read(visitor):
    event = EventFactory(title="Visite du CHU")
    url = reverse("events:register", args=[event.pk])
    visitor.get(url)  # the form, as the person saw it
    with (
        mock.patch("events.views.registration._event", side_effect=DOWN),
        mock.patch("semaine.models.Edition.objects.current_cached", side_effect=DOWN),
    ):
        response = visitor.post(url, form_data())
    assert response.status_code == 503
    html = response.content.decode()
    assert MESSAGE in html and "Visite du CHU" in html
    assert 'value="aicha.benali@example.org"' in html


def test_without_the_form_seen_first_the_post_gets_the_503_page(visitor):
    event = EventFactory()
    with mock.patch("events.views.registration._event", side_effect=DOWN):
        response = visitor.post(reverse("events:register", args=[event.pk]), form_data())
    assert response.status_code == 503
    assert MESSAGE in response.content.decode()
