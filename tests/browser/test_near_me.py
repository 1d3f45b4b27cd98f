"""Near-me search in Chromium: a place typed, a suggestion picked, the nearest event first;
and the same without JavaScript, where the server resolves the typed text."""

import re

import pytest

from semaine.models import Department
from tests.factories import EventFactory


@pytest.fixture
def villeurbanne_event(site):
    return EventFactory(
        title="Job dating à Villeurbanne",
        postcode="69100",
        city="Villeurbanne",
        department=Department.objects.get(code="69"),
    )


def test_a_visitor_picks_a_suggested_place_and_sees_the_nearest_event_first(
    page, villeurbanne_event
):
    page.goto("/evenements/")
    page.get_by_role("combobox", name="Lieu").press_sequentially("villeurb")
    page.get_by_role("option", name=re.compile(r"^Villeurbanne \(69\)")).click()
    page.get_by_label("Dans un rayon de").select_option("10")
    page.get_by_role("button", name="Afficher les événements").click()

    page.wait_for_url(re.compile(r"lieu=Villeurbanne"))
    first = page.locator(".cards .card").first
    assert first.locator(".card-title").inner_text() == "Job dating à Villeurbanne"
    assert first.locator(".card-distance").inner_text() == "à moins d'1 km"
    # Lyon's job datings follow, 5 km away; Rennes and the Abymes are out of the radius.
    assert "Atelier CV" not in page.locator(".cards").inner_text()


def test_without_javascript_the_server_resolves_the_typed_place(new_context, villeurbanne_event):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/evenements/")
    page.get_by_label("Lieu", exact=True).fill("69100")
    page.get_by_role("button", name="Afficher les événements").click()

    page.wait_for_url(re.compile(r"lieu=69100"))
    assert "Autour de Villeurbanne (69)" in page.locator(".place-notice").inner_text()
    first = page.locator(".cards .card").first
    assert first.locator(".card-title").inner_text() == "Job dating à Villeurbanne"
