"""A draft's public page: a preview for the staff who may edit it, a 404 for anyone else."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from events.models import Event
from tests.factories import EventFactory, staff_user

pytestmark = pytest.mark.django_db

BANNER = "Brouillon — non visible du public"


@pytest.fixture
def draft(lyon):
    return EventFactory(organiser=lyon, title="Job dating EHPAD", status=Event.Status.DRAFT)


def test_staff_who_may_edit_a_draft_see_its_page_with_a_banner(agency_client, draft):
    response = agency_client.get(draft.get_absolute_url())

    assert response.status_code == 200
    assert BANNER in response.text
    assert "Job dating EHPAD" in response.text
    assert "<h2>Quand</h2>" in response.text
    # Never cached on the way, nor indexed, nor described to search engines.
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in response.text
    assert "application/ld+json" not in response.text
    # Nobody registers to a draft, not even from its preview.
    assert "Cet événement n&#x27;est pas publié." in response.text


def test_the_public_gets_a_404_for_a_draft(client, draft):
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_preview_is_never_served_to_the_public_afterwards(client, agency_user, draft):
    client.force_login(agency_user)
    assert client.get(draft.get_absolute_url()).status_code == 200
    client.logout()

    response = client.get(draft.get_absolute_url())

    assert response.status_code == 404
    assert BANNER not in response.text


def test_staff_outside_the_events_scope_get_a_404(client, marseille, draft, fast_password_hasher):
    client.force_login(staff_user("agence-marseille", group="Agence", organiser=marseille))

    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_regional_coordinator_previews_the_drafts_of_their_region(client, coordinator, draft):
    client.force_login(coordinator)

    assert BANNER in client.get(draft.get_absolute_url()).text


def test_a_coordinator_of_another_region_gets_a_404(client, draft, fast_password_hasher):
    client.force_login(staff_user("coord-paca", group="Coordination régionale", region_code="93"))

    assert client.get(draft.get_absolute_url()).status_code == 404


def test_staff_without_the_right_to_edit_events_get_a_404(client, lyon, draft, agency_user):
    agency_user.groups.clear()
    agency_user.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(agency_user)

    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_logged_in_person_who_is_not_staff_gets_a_404(
    client, draft, django_user_model, fast_password_hasher
):
    client.force_login(django_user_model.objects.create_user("visiteur", password="x" * 12))

    assert client.get(draft.get_absolute_url()).status_code == 404


def test_staff_see_a_published_event_as_the_public_does(agency_client, lyon):
    event = EventFactory(organiser=lyon, status=Event.Status.PUBLISHED)

    response = agency_client.get(event.get_absolute_url())

    assert response.status_code == 200
    assert BANNER not in response.text
    assert "application/ld+json" in response.text


def test_a_preview_under_a_wrong_slug_goes_to_the_right_one(agency_client, draft):
    response = agency_client.get(reverse("events:detail", args=[draft.pk, "ancien-titre"]))

    assert response.status_code == 302
    assert response.url == draft.get_absolute_url()


def test_the_admin_page_links_a_draft_to_its_preview(agency_client, draft):
    response = agency_client.get(reverse("admin:events_event_change", args=[draft.pk]))

    assert f'href="{draft.get_absolute_url()}"' in response.text
    assert "Voir sur le site (aperçu du brouillon)" in response.text
    assert response.text.count("Voir sur le site") == 1
