"""Double opt-in: a registration holds its seat until its address is confirmed, the answer to
the form never tells whether an address was registered, and one network cannot fill an event."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import Registration
from events.services.registration import (
    registration_cancel,
    registration_confirm,
    registration_create,
    registrations_expire,
)
from tests.conftest import run_queued_emails
from tests.events.services.test_registration import form_data
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture
def event():
    return EventFactory(capacity_onsite=2, title="Job dating EHPAD")


def post(client, event, **overrides):
    return client.post(reverse("events:register", args=[event.pk]), form_data(**overrides))


def confirm_path(message) -> str:
    return re.search(r"(/inscriptions/[^/\s]+/confirmer/)", message.body).group(1)


def create(event, email, **kwargs):
    return registration_create(
        event=event, first_name="Personne", last_name="Test", email=email, **kwargs
    ).registration


def confirm(registration):
    return registration_confirm(token=registration.confirm_token())


def make_late(registration):
    """As if its half hour had passed."""
    Registration.objects.filter(pk=registration.pk).update(
        confirm_by=timezone.now() - datetime.timedelta(seconds=1)
    )
    registration.refresh_from_db()


# -- the answer tells nothing -------------------------------------------------------------------


def _answer(client, event, email) -> tuple[str, str]:
    response = post(client, event, email=email)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    return response["Location"], CSRF.sub("", page.content.decode())


def test_the_answer_is_the_same_byte_for_byte_whether_or_not_the_address_was_registered(
    event, emails_sent
):
    registered = confirm(create(event, "camille.durand@example.org")).registration
    with emails_sent():
        answer_for_registered = _answer(Client(), event, "Camille.Durand@example.org")
        answer_for_new = _answer(Client(), event, "someone.else@example.org")
    assert answer_for_registered == answer_for_new
    assert "Vérifiez votre boîte mail" in answer_for_new[1]
    assert "déjà inscrit" not in answer_for_new[1].split("Si cette adresse")[0]
    # The registered person is told, by e-mail, what they have; nothing of theirs changed.
    told = {message.to[0].lower(): message for message in mail.outbox}
    reminder = told["camille.durand@example.org"]
    assert reminder.subject == "Votre inscription : Job dating EHPAD"
    assert "déjà inscrite" in reminder.body
    assert "Votre inscription est confirmée" in reminder.body
    assert "/annuler/" in reminder.body
    registered.refresh_from_db()
    assert registered.is_confirmed
    assert (registered.first_name, registered.email) == ("Personne", "camille.durand@example.org")
    assert Registration.objects.filter(event=event).count() == 2


def test_a_waitlisted_person_submitting_again_is_emailed_their_position(event, emails_sent):
    event.capacity_onsite = 0
    event.save()
    confirm(create(event, "first@example.org"))
    confirm(create(event, "camille.durand@example.org"))
    with emails_sent():
        post(Client(), event, email="camille.durand@example.org")
    (message,) = mail.outbox
    assert "liste d'attente, en position 2" in message.body


def test_a_pending_person_submitting_again_gets_the_confirmation_link_again(event, emails_sent):
    create(event, "camille.durand@example.org")
    with emails_sent():
        post(Client(), event, email="camille.durand@example.org")
    (message,) = mail.outbox
    assert "attend encore la confirmation" in message.body
    assert "/annuler/" not in message.body
    page = Client().get(confirm_path(message))
    assert "Confirmer mon inscription" in page.content.decode()


def test_a_refusal_does_not_depend_on_the_address_either(event, settings):
    settings.REGISTRATION_WAITLIST_LIMIT = 0
    confirm(create(event, "a@example.org"))
    confirm(create(event, "b@example.org"))
    known = post(Client(), event, email="a@example.org")
    unknown = post(Client(), event, email="nobody@example.org")
    assert known.status_code == unknown.status_code == 400
    assert CSRF.sub("", known.content.decode()).replace("a@example.org", "X") == CSRF.sub(
        "", unknown.content.decode()
    ).replace("nobody@example.org", "X")


# -- a seat held until the address is confirmed -------------------------------------------------


def test_a_submitted_registration_holds_its_seat_until_confirmed(client, event, emails_sent):
    with emails_sent():
        post(client, event)
    registration = Registration.objects.get()
    assert registration.is_pending and registration.seat_held
    event.refresh_from_db()
    assert event.confirmed_onsite == 1
    assert "1 restante sur 2" in client.get(event.get_absolute_url()).content.decode()
    (message,) = mail.outbox
    assert message.subject == "Confirmez votre inscription : Job dating EHPAD"
    assert "30 minutes" in message.body
    assert message.attachments == []
    # The link shows a button: a mail scanner following it confirms nothing.
    path = confirm_path(message)
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirmer mon inscription" in page.content.decode()
    registration.refresh_from_db()
    assert registration.is_pending
    mail.outbox.clear()
    with emails_sent():
        page = client.post(path)
    assert "Votre inscription est confirmée" in page.content.decode()
    registration.refresh_from_db()
    assert registration.is_confirmed and registration.confirm_by is None
    event.refresh_from_db()
    assert event.confirmed_onsite == 1
    (message,) = mail.outbox
    assert message.subject == "Inscription confirmée : Job dating EHPAD"
    assert "/annuler/" in message.body


def test_confirming_twice_is_harmless(client, event, emails_sent):
    registration = create(event, "a@example.org")
    with emails_sent():
        path = reverse("registration_confirm", args=[registration.confirm_token()])
        first = client.post(path)
        second = client.post(path)
    assert first.status_code == second.status_code == 200
    assert "Inscription déjà confirmée" in second.content.decode()
    assert len(mail.outbox) == 1
    event.refresh_from_db()
    assert event.confirmed_onsite == 1
    assert not confirm(registration).confirmed_now


def test_the_waitlist_place_is_given_at_confirmation(event):
    event.capacity_onsite = 1
    event.save()
    holder = create(event, "holder@example.org")
    early, late = create(event, "early@example.org"), create(event, "late@example.org")
    assert not early.seat_held and not late.seat_held
    # Confirmed first, served first: the order of confirmed addresses.
    confirm(late)
    confirm(early)
    late.refresh_from_db(), early.refresh_from_db()
    assert (late.waitlist_position(), early.waitlist_position()) == (1, 2)
    assert confirm(holder).registration.is_confirmed


def test_a_seat_freed_before_confirmation_goes_to_the_one_who_confirms(event):
    event.capacity_onsite = 1
    event.save()
    holder = confirm(create(event, "holder@example.org")).registration
    waiting = create(event, "waiting@example.org")
    registration_cancel(registration=holder)
    assert confirm(waiting).registration.is_confirmed
    event.refresh_from_db()
    assert event.confirmed_onsite == 1


def test_an_expired_registration_frees_its_seat_for_the_waitlist(event, emails_sent):
    event.capacity_onsite = 1
    event.save()
    hoarder = create(event, "invented@example.org")
    waiting = confirm(create(event, "waiting@example.org")).registration
    assert waiting.is_waitlisted
    make_late(hoarder)
    with emails_sent():
        assert registrations_expire() == 1
    assert not Registration.objects.filter(pk=hoarder.pk).exists()
    waiting.refresh_from_db()
    assert waiting.is_confirmed
    event.refresh_from_db()
    assert event.confirmed_onsite == 1
    (message,) = mail.outbox
    assert message.to == ["waiting@example.org"]
    assert message.subject.startswith("Une place s'est libérée")
    # Idempotent: a second run (another worker's tick) has nothing to do.
    assert registrations_expire() == 0
    event.refresh_from_db()
    assert event.confirmed_onsite == 1


def test_the_expiry_leaves_registrations_still_in_time(event):
    registration = create(event, "a@example.org")
    assert registrations_expire() == 0
    assert Registration.objects.get(pk=registration.pk).is_pending


def test_the_confirmation_email_of_an_expired_registration_is_not_sent(event):
    registration = create(event, "a@example.org")
    make_late(registration)
    registrations_expire()
    assert run_queued_emails() == 1
    assert mail.outbox == []


def test_an_expired_link_says_so_and_leads_back_to_the_form(client, event):
    registration = create(event, "a@example.org")
    make_late(registration)
    token = registration.confirm_token()
    # Not expired yet by the periodic task: the click itself expires it, and frees the seat.
    page = client.get(reverse("registration_confirm", args=[token]))
    assert page.status_code == 410
    html = page.content.decode()
    assert "Ce lien de confirmation a expiré" in html
    response = client.post(reverse("registration_confirm", args=[token]))
    assert response.status_code == 410
    assert not Registration.objects.filter(pk=registration.pk).exists()
    event.refresh_from_db()
    assert event.confirmed_onsite == 0
    # Deleted since: still "expired", not "unknown", with the way back.
    page = client.get(reverse("registration_confirm", args=[token]))
    assert page.status_code == 410
    html = page.content.decode()
    assert "Ce lien de confirmation a expiré" in html
    assert reverse("events:register", args=[event.pk]) in html


def test_a_forged_confirmation_link_is_refused_clearly(client, event):
    registration = create(event, "a@example.org")
    token = registration.confirm_token()
    for bad in (token[:-2] + "xx", "n-importe-quoi", registration.cancel_token()):
        response = client.post(reverse("registration_confirm", args=[bad]))
        assert response.status_code == 400
        assert "Ce lien de confirmation n&#x27;est pas valide" in response.content.decode()
    assert Registration.objects.get(pk=registration.pk).is_pending


def test_a_pending_registration_can_be_cancelled_and_frees_its_seat(event):
    registration = create(event, "a@example.org")
    registration_cancel(registration=registration)
    registration.refresh_from_db()
    assert registration.is_cancelled and not registration.seat_held
    event.refresh_from_db()
    assert event.confirmed_onsite == 0


# -- one network cannot fill an event -----------------------------------------------------------


def test_registrations_to_one_event_from_one_network_are_capped(event, settings):
    settings.REGISTRATION_NETWORK_LIMIT = 2
    event.capacity_onsite = 50
    event.save()
    # Any address of one IPv6 /64 is the same network.
    statuses = [
        post(Client(REMOTE_ADDR=f"2001:db8:1:2::{n}"), event, email=f"p{n}@example.org")
        for n in range(1, 4)
    ]
    assert [response.status_code for response in statuses] == [302, 302, 400]
    assert "depuis votre connexion" in statuses[2].content.decode()
    assert Registration.objects.filter(event=event).count() == 2
    # Another /64, or another event, is not affected.
    other = Client(REMOTE_ADDR="2001:db8:1:3::1")
    assert post(other, event, email="other@example.org").status_code == 302
    another_event = EventFactory(capacity_onsite=5)
    same = Client(REMOTE_ADDR="2001:db8:1:2::99")
    assert post(same, another_event, email="p9@example.org").status_code == 302


def test_the_network_is_kept_hashed_and_purged(event):
    post(Client(REMOTE_ADDR="203.0.113.9"), event)
    registration = Registration.objects.get()
    assert re.fullmatch(r"[0-9a-f]{40,64}", registration.network)
    assert "203.0.113.9" not in registration.network
