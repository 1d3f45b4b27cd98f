import datetime
import time
from unittest import mock

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from events.models import Event, Registration
from events.services.registration import (
    RegistrationError,
    registration_cancel,
    registration_from_token,
    registrations_purge,
)
from tests.conftest import register_confirmed
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def book(event, name, **kwargs):
    return register_confirmed(
        event=event, first_name=name, last_name="Martin", email=f"{name}@example.org", **kwargs
    )


def cancel_url(registration):
    return f"/inscriptions/{registration.cancel_token()}/annuler/"


@pytest.fixture
def full_event():
    """Two seats taken by Alice and Bruno; Chloé then Driss wait."""
    event = EventFactory(capacity_onsite=2, title="Visite du CHU")
    for name in ("alice", "bruno", "chloe", "driss"):
        book(event, name)
    return event


def statuses(event):
    return dict(Registration.objects.filter(event=event).values_list("first_name", "status"))


def test_the_cancel_link_asks_for_confirmation_and_changes_nothing_on_get(client, full_event):
    alice = Registration.objects.get(first_name="alice")
    response = client.get(cancel_url(alice))
    assert response.status_code == 200
    assert "Confirmer l'annulation" in response.content.decode()
    assert statuses(full_event)["alice"] == Registration.Status.CONFIRMED


def test_cancelling_frees_the_seat_for_the_first_waitlisted_who_is_emailed(
    client, full_event, emails_sent
):
    alice = Registration.objects.get(first_name="alice")
    mail.outbox.clear()
    with emails_sent():
        response = client.post(cancel_url(alice))
    assert response.status_code == 200
    assert "Votre inscription est annulée" in response.content.decode()
    assert statuses(full_event) == {
        "alice": Registration.Status.CANCELLED,
        "bruno": Registration.Status.CONFIRMED,
        "chloe": Registration.Status.CONFIRMED,
        "driss": Registration.Status.WAITLISTED,
    }
    full_event.refresh_from_db()
    assert full_event.confirmed_onsite == 2
    (message,) = mail.outbox
    assert message.to == ["chloe@example.org"]
    assert message.subject.startswith("Une place s'est libérée")
    (name, content, mimetype) = message.attachments[0]
    assert mimetype == "text/calendar"
    assert icalendar.Calendar.from_ical(content).walk("VEVENT")[0]["summary"] == "Visite du CHU"
    driss = Registration.objects.get(first_name="driss")
    assert driss.waitlist_position() == 1


def test_cancelling_without_a_waitlist_gives_the_seat_back(client):
    event = EventFactory(capacity_onsite=3)
    alice = book(event, "alice")
    client.post(cancel_url(alice))
    event.refresh_from_db()
    assert event.confirmed_onsite == 0
    assert event.seats_left == 3


def test_cancelling_a_waitlisted_registration_frees_no_seat(full_event):
    driss = Registration.objects.get(first_name="driss")
    assert registration_cancel(registration=driss) == []
    full_event.refresh_from_db()
    assert full_event.confirmed_onsite == 2
    assert statuses(full_event)["chloe"] == Registration.Status.WAITLISTED


def test_cancelling_twice_changes_nothing_the_second_time(client, full_event):
    alice = Registration.objects.get(first_name="alice")
    client.post(cancel_url(alice))
    response = client.post(cancel_url(alice))
    assert response.status_code == 200
    assert "déjà annulée" in response.content.decode()
    full_event.refresh_from_db()
    assert full_event.confirmed_onsite == 2
    assert statuses(full_event)["driss"] == Registration.Status.WAITLISTED


def test_a_hybrid_event_promotes_within_the_same_mode_only():
    event = EventFactory(modalite=Event.Modalite.HYBRIDE, capacity_onsite=1, capacity_online=1)
    onsite = book(event, "alice", mode="presentiel")
    book(event, "bruno", mode="distanciel")
    book(event, "chloe", mode="distanciel")
    book(event, "driss", mode="presentiel")
    promoted = registration_cancel(registration=onsite)
    assert [p.first_name for p in promoted] == ["driss"]
    assert statuses(event)["chloe"] == Registration.Status.WAITLISTED
    event.refresh_from_db()
    assert (event.confirmed_onsite, event.confirmed_online) == (1, 1)


def test_cancelling_after_the_event_started_is_refused(client, full_event):
    alice = Registration.objects.get(first_name="alice")
    Event.objects.filter(pk=full_event.pk).update(
        start=timezone.now() - datetime.timedelta(minutes=5)
    )
    response = client.post(cancel_url(alice))
    assert response.status_code == 400
    assert "ne peut plus être annulée" in response.content.decode()
    assert statuses(full_event)["alice"] == Registration.Status.CONFIRMED


@pytest.mark.parametrize(
    "token",
    [
        "nimportequoi",
        "eyJyIjoxfQ:1tXyZa:forged-signature",
        "",
        "x" * 5000,
    ],
)
def test_a_forged_token_is_refused(client, full_event, token):
    response = client.post(f"/inscriptions/{token}/annuler/")
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert "n&#x27;est pas valide" in response.content.decode()
    assert set(statuses(full_event).values()) == set(Registration.ACTIVE_STATUSES)


def test_a_tampered_token_pointing_to_someone_else_is_refused(client, full_event):
    alice = Registration.objects.get(first_name="alice")
    bruno = Registration.objects.get(first_name="bruno")
    payload, rest = alice.cancel_token().split(":", 1)
    other_payload = bruno.cancel_token().split(":", 1)[0]
    response = client.post(f"/inscriptions/{other_payload}:{rest}/annuler/")
    assert response.status_code == 400
    assert statuses(full_event)["bruno"] == Registration.Status.CONFIRMED


def test_an_expired_token_is_refused(client, full_event, settings):
    settings.REGISTRATION_TOKEN_MAX_AGE_DAYS = 30
    alice = Registration.objects.get(first_name="alice")
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 31 * 86400):
        token = alice.cancel_token()
    response = client.post(f"/inscriptions/{token}/annuler/")
    assert response.status_code == 400
    assert "a expiré" in response.content.decode()
    with pytest.raises(RegistrationError):
        registration_from_token(token)


def test_the_token_of_an_anonymised_registration_no_longer_works(client):
    event = EventFactory(
        start=timezone.now() - datetime.timedelta(days=400),
        end=timezone.now() - datetime.timedelta(days=400, hours=-2),
    )
    registration = Registration.objects.create(
        event=event,
        first_name="A",
        last_name="B",
        email="ab@example.org",
        status=Registration.Status.CONFIRMED,
    )
    token = registration.cancel_token()
    registrations_purge(months=6)
    response = client.get(f"/inscriptions/{token}/annuler/")
    assert response.status_code == 400
    assert "n&#x27;existe plus" in response.content.decode()


def test_more_seats_go_to_the_waitlist_in_order(full_event, emails_sent):
    from events.services.registration import registration_promote_waitlist

    Event.objects.filter(pk=full_event.pk).update(capacity_onsite=3)
    mail.outbox.clear()
    with emails_sent():
        promoted = registration_promote_waitlist(event=full_event)
    assert [p.first_name for p in promoted] == ["chloe"]
    assert statuses(full_event)["driss"] == Registration.Status.WAITLISTED
    full_event.refresh_from_db()
    assert full_event.confirmed_onsite == 3
    assert [m.to for m in mail.outbox] == [["chloe@example.org"]]
