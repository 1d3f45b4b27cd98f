from unittest import mock

import pytest
from django.core.management import call_command
from django.db import DatabaseError

from events.models import Event, Registration
from offers.models import Offer
from semaine.models import Edition

pytestmark = pytest.mark.django_db


def test_healthz_says_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_healthz_says_503_when_the_database_does_not_answer(client):
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=DatabaseError("server closed the connection"),
    ):
        response = client.get("/healthz")
    assert response.status_code == 503


def test_seed_demo_is_varied_and_idempotent():
    call_command("seed_demo", size=300, offers=200)
    counts = (Event.objects.count(), Offer.objects.count())
    assert counts == (300, 200)
    call_command("seed_demo", size=300, offers=200)
    assert (Event.objects.count(), Offer.objects.count()) == counts

    current = Edition.objects.get(is_current=True)
    coming = Event.objects.filter(edition=current)
    assert coming.upcoming().count() == coming.count() > 200
    assert Event.objects.exclude(edition=current).filter(edition__year=2022).exists()
    assert set(coming.values_list("type", flat=True)) == set(Event.Type.values)
    assert set(coming.values_list("modalite", flat=True)) == set(Event.Modalite.values)
    assert Event.objects.filter(department__code__startswith="97").exists()
    assert Event.objects.values("region").distinct().count() == 18
    assert set(Offer.objects.values_list("nature", flat=True)) == {"emploi", "formation"}
    # Loaded with COPY, through the same triggers as any insert: every row can be searched.
    assert not Event.objects.filter(search_vector__isnull=True).exists()
    assert not Offer.objects.filter(search_vector__isnull=True).exists()
    assert Event.objects.filter(trades__isnull=False).distinct().count() == 300
    # Online-only events have no venue, only the department (time zone, region) of their
    # organiser; the others a real commune's coordinates.
    online = Event.objects.filter(modalite=Event.Modalite.DISTANCIEL)
    assert online.exists()
    assert set(online.values_list("venue_name", "address", "postcode", "city")) == {
        ("", "", "", "")
    }
    assert not online.filter(department__isnull=True).exists()
    assert not online.filter(latitude__isnull=False).exists()
    assert not (
        Event.objects.exclude(modalite=Event.Modalite.DISTANCIEL)
        .filter(latitude__isnull=True)
        .exists()
    )


def test_demo_has_full_events_with_a_waitlist_and_counters_that_match(client):
    call_command("seed_demo", size=300, offers=0)
    registrations = Registration.objects.count()
    full = [e for e in Event.objects.filter(registrations__isnull=False).distinct() if e.is_full]
    assert full and registrations > 0
    for event in Event.objects.filter(registrations__isnull=False).distinct():
        confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
        assert event.confirmed_onsite == confirmed
    event = full[0]
    assert event.registrations.filter(status=Registration.Status.WAITLISTED).count() == 3
    assert (
        "Places sur place : <strong>complet</strong>" in client.get(event.get_absolute_url()).text
    )
    call_command("seed_demo", size=300, offers=0)
    assert Registration.objects.count() == registrations


def test_home_page_shows_the_current_edition(client):
    call_command("seed_demo", size=50, offers=10)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    edition = Edition.objects.get(is_current=True)
    assert f"{edition.end_date.year}" in html
    assert 'lang="fr"' in html
    assert "Aller au contenu" in html


def test_demo_has_partners_proposals_in_the_demo_agencies_queues(client):
    from events.models import Organiser, Proposal
    from events.scoping import proposals_in_scope
    from tests.factories import staff_user

    call_command("seed_demo", size=50, offers=0)
    call_command("seed_demo", size=50, offers=0)
    assert Proposal.objects.count() == 4
    lyon = Organiser.objects.get(name="France Travail Lyon")
    queue = proposals_in_scope(staff_user("agence-demo", group="Agence", organiser=lyon))
    assert queue.awaiting_moderation().count() == 2
    assert Proposal.objects.filter(flags=["hors_semaine"]).count() == 1
