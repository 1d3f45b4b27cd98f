"""The admin's event form checks the department against the postcode (the communes reference)."""

import datetime

import pytest
from django.urls import reverse

from events.models import Event
from tests.factories import EventFactory, event_form_data

pytestmark = pytest.mark.django_db


def post_event(client, **overrides):
    return client.post(reverse("admin:events_event_add"), event_form_data(**overrides))


def test_a_department_other_than_the_postcodes_is_refused_with_both_named(agency_client, lyon):
    response = post_event(agency_client, organiser=lyon.pk, department="13")

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["department"] == [
        "Le code postal 69003 est dans le Rhône (69), pas dans les Bouches-du-Rhône (13)."
    ]
    assert not Event.objects.exists()


def test_an_edit_that_moves_the_department_away_from_the_postcode_is_refused(agency_client, lyon):
    event = EventFactory(organiser=lyon)

    response = agency_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        event_form_data(organiser=lyon.pk, title=event.title, department="13"),
    )

    assert response.status_code == 200
    assert "pas dans les Bouches-du-Rhône (13)" in response.text
    event.refresh_from_db()
    assert event.department_id == "69"


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("6900", "Code postal invalide : « 6900 » (5 chiffres"),
        ("99999", "Le code postal 99999 n'existe pas : aucune commune ne l'a."),
    ],
)
def test_a_postcode_that_does_not_exist_is_refused(agency_client, lyon, postcode, message):
    response = post_event(agency_client, organiser=lyon.pk, postcode=postcode)

    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["postcode"]
    assert error.startswith(message)


def test_a_department_left_empty_is_the_postcodes_with_its_region(agency_client, lyon):
    response = post_event(agency_client, organiser=lyon.pk, department="")

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get()
    assert (event.department_id, event.region_id) == ("69", "84")


def test_an_overseas_event_left_without_department_takes_its_postcodes_and_its_clock(
    agency_client, lyon
):
    response = post_event(
        agency_client,
        organiser=lyon.pk,
        postcode="97139",
        city="Les Abymes",
        department="",
        start_1="09:00",
        end_1="11:00",
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get()
    assert (event.department_id, event.region_id) == ("971", "01")
    # 09:00 in Guadeloupe (UTC-4), not in Paris: the postcode's department gives the clock.
    assert event.start.astimezone(datetime.UTC).strftime("%H:%M") == "13:00"


def test_a_coordinator_cannot_leave_the_department_empty_for_a_postcode_elsewhere(
    client, coordinator, croix_rouge
):
    client.force_login(coordinator)

    response = post_event(
        client, organiser=croix_rouge.pk, postcode="13001", city="Marseille", department=""
    )

    assert response.status_code == 200
    [error] = response.context["adminform"].form.non_field_errors()
    assert error.startswith("Ce département n'est pas dans votre région")
    assert not Event.objects.exists()


def test_corsican_postcodes_are_placed_in_their_own_department(agency_client, lyon):
    response = post_event(
        agency_client, organiser=lyon.pk, postcode="20200", city="Bastia", department="2A"
    )

    assert response.context["adminform"].form.errors["department"] == [
        "Le code postal 20200 est en Haute-Corse (2B), pas en Corse-du-Sud (2A)."
    ]


def test_the_department_autocomplete_offers_the_name_typed_first(agency_client):
    response = agency_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "events", "model_name": "event", "field_name": "department", "term": "Rhô"},
    )

    names = [item["text"] for item in response.json()["results"]]
    assert names == ["Rhône (69)", "Bouches-du-Rhône (13)"]
