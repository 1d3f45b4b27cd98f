"""The moderation queue in the admin: scoped to the agency's department or the coordination's
region (by list and by URL), with each proposal's age and flags, read-only, and the three
decisions recorded and e-mailed; the dashboard's pending proposals per agency."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Proposal
from events.services.proposals import proposal_confirm
from tests.conftest import run_queued_emails
from tests.events.services.test_proposals import propose
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def lyon_agency(lyon, agency_user):
    """The Lyon agency, in the Rhône (69)."""
    lyon.department_id = "69"
    lyon.save()
    return agency_user


@pytest.fixture
def marseille_agency(marseille, fast_password_hasher):
    marseille.department_id = "13"
    marseille.save()
    return staff_user("agence-marseille", group="Agence", organiser=marseille)


def confirmed(client, **overrides):
    proposal = propose(client, **overrides)
    proposal_confirm(proposal=proposal)
    proposal.refresh_from_db()
    return proposal


@pytest.fixture
def in_lyon(client):
    return confirmed(client, title="Portes ouvertes à Lyon")


@pytest.fixture
def in_marseille(client):
    return confirmed(
        client,
        title="Job dating à Marseille",
        address="1 La Canebière",
        postcode="13001",
        city="Marseille",
    )


def changelist(client):
    return client.get(reverse("admin:events_proposal_changelist"))


def change_url(proposal):
    return reverse("admin:events_proposal_change", args=[proposal.pk])


def decide(client, proposal, decision, message=""):
    return client.post(
        reverse("admin:events_proposal_decision", args=[proposal.pk]),
        {"decision": decision, "message": message},
    )


# -- scope -------------------------------------------------------------------------------------


def test_an_agency_sees_its_departments_proposals_only(client, lyon_agency, in_lyon, in_marseille):
    client.force_login(lyon_agency)
    response = changelist(client)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [in_lyon]


def test_an_agency_cannot_open_nor_decide_on_another_departments_proposal(
    client, lyon_agency, in_marseille
):
    client.force_login(lyon_agency)
    response = client.get(change_url(in_marseille))
    # Out of scope is as good as absent: the admin sends back to its index with a message.
    assert response.status_code == 302
    response = decide(client, in_marseille, "publier")
    assert response.status_code == 403
    in_marseille.refresh_from_db()
    assert in_marseille.status == Proposal.Status.PENDING
    assert not Event.objects.exists()


def test_a_coordination_sees_its_regions_proposals(
    client, coordinator, in_lyon, in_marseille, marseille_agency
):
    client.force_login(coordinator)
    assert list(changelist(client).context["cl"].result_list) == [in_lyon]
    client.force_login(marseille_agency)
    assert list(changelist(client).context["cl"].result_list) == [in_marseille]


def test_unconfirmed_proposals_reach_no_moderator(client, national_user):
    propose(client)
    client.force_login(national_user)
    assert list(changelist(client).context["cl"].result_list) == []


def test_a_place_beyond_the_departments_is_national_staffs_alone(
    client, coordinator, national_user
):
    far = confirmed(client, postcode="97500", city="Saint-Pierre")
    client.force_login(coordinator)
    assert list(changelist(client).context["cl"].result_list) == []
    client.force_login(national_user)
    response = changelist(client)
    assert list(response.context["cl"].result_list) == [far]
    assert "Hors des 101 départements" in response.content.decode()


# -- the queue ---------------------------------------------------------------------------------


def test_the_queue_shows_each_proposals_age_and_flags_escaped(client, lyon_agency):
    proposal = confirmed(client, title="<script>alert(1)</script>", **{"dates-1-day": "2030-06-02"})
    Proposal.objects.filter(pk=proposal.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=3, hours=2)
    )
    client.force_login(lyon_agency)
    html = changelist(client).content.decode()
    assert "3\xa0jours" in html
    assert "Dates hors de la semaine" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    page = client.get(change_url(proposal)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "Enregistrer la décision" in page


def test_the_queue_filters_on_each_flag(client, national_user, in_lyon):
    far = confirmed(client, title="Forum à Monaco", postcode="98000", city="Monaco")
    client.force_login(national_user)
    url = reverse("admin:events_proposal_changelist")
    response = client.get(url, {"signalement": "hors_departements"})
    assert list(response.context["cl"].result_list) == [far]
    response = client.get(url, {"signalement": "aucun"})
    assert list(response.context["cl"].result_list) == [in_lyon]


# -- the three decisions ------------------------------------------------------------------------


def test_publishing_from_the_admin_creates_the_events_and_records_who(client, lyon_agency, in_lyon):
    client.force_login(lyon_agency)
    response = decide(client, in_lyon, "publier")
    assert response.status_code == 302
    in_lyon.refresh_from_db()
    assert in_lyon.status == Proposal.Status.PUBLISHED
    assert Event.objects.published().count() == 2
    decision = in_lyon.decisions.last()
    assert (decision.action, decision.user) == ("published", lyon_agency)
    page = client.get(change_url(in_lyon)).content.decode()
    assert "agence-lyon" in page
    # Decided: no decision form any more.
    assert "Enregistrer la décision" not in page


def test_asking_for_changes_from_the_admin_emails_the_contact(client, coordinator, in_lyon):
    client.force_login(coordinator)
    decide(client, in_lyon, "modifications", "Ajoutez le lien d'inscription.")
    in_lyon.refresh_from_db()
    assert in_lyon.status == Proposal.Status.CHANGES_REQUESTED
    run_queued_emails()
    assert "Ajoutez le lien d'inscription." in mail.outbox[-1].body


def test_refusing_without_a_reason_is_refused_with_a_message(client, coordinator, in_lyon):
    client.force_login(coordinator)
    response = decide(client, in_lyon, "refuser", "")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert "raison du refus" in response.content.decode()
    in_lyon.refresh_from_db()
    assert in_lyon.status == Proposal.Status.PENDING
    decide(client, in_lyon, "refuser", "Événement sans lien avec les métiers du soin.")
    in_lyon.refresh_from_db()
    assert in_lyon.status == Proposal.Status.REFUSED


def test_an_unknown_decision_changes_nothing(client, coordinator, in_lyon):
    client.force_login(coordinator)
    response = decide(client, in_lyon, "supprimer")
    assert response.status_code == 302
    in_lyon.refresh_from_db()
    assert in_lyon.status == Proposal.Status.PENDING


def test_moderators_can_neither_add_nor_delete_proposals(client, national_user, in_lyon):
    client.force_login(national_user)
    assert client.get(reverse("admin:events_proposal_add")).status_code == 403
    response = client.get(reverse("admin:events_proposal_delete", args=[in_lyon.pk]))
    assert response.status_code == 403


# -- the dashboard ------------------------------------------------------------------------------


def test_the_dashboard_shows_pending_proposals_per_agency_and_the_oldest_age(
    client, coordinator, lyon, lyon_agency, in_lyon, in_marseille
):
    older = confirmed(client, title="Atelier CV")
    Proposal.objects.filter(pk=older.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=5)
    )
    client.force_login(coordinator)
    response = client.get(reverse("admin:events_event_dashboard"))
    assert response.status_code == 200
    (line,) = response.context["pending_proposals"]
    assert (line.department, line.agencies, line.count) == ("Rhône (69)", [lyon.name], 2)
    html = response.content.decode()
    assert "France Travail Lyon" in html and "5\xa0jours" in html
