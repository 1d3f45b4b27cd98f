"""What staff may do to one registration (cancel, reinstate, move to the other mode), who is
e-mailed, and the seat counters that must still equal the seats taken afterwards."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from events.models import Event, Registration
from events.services.registrant_actions import (
    Action,
    ActionPlan,
    registration_action_plan,
    registration_action_run,
    registration_actions,
)
from events.services.registration import (
    RegistrationError,
    registration_create,
    registration_move,
    registration_reinstate,
)
from tests.conftest import register_confirmed
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

ONSITE, ONLINE = Registration.Mode.PRESENTIEL, Registration.Mode.DISTANCIEL


def book(event, name, mode=""):
    return register_confirmed(
        event=event,
        first_name=name,
        last_name="Martin",
        email=f"{name}@example.org",
        mode=mode,
    )


def fresh(registration):
    return Registration.objects.select_related("event").get(pk=registration.pk)


def assert_counters_match_the_rows(event):
    """The seat counters equal a direct count: confirmed rows and pending ones holding a seat."""
    event.refresh_from_db()
    for mode, counter in ((ONSITE, event.confirmed_onsite), (ONLINE, event.confirmed_online)):
        rows = Registration.objects.filter(event=event, mode=mode)
        taken = rows.confirmed().count() + rows.filter(seat_held=True).count()
        assert counter == taken, (mode, counter, taken)
        capacity = event.capacity_onsite if mode == ONSITE else event.capacity_online
        assert capacity is None or counter <= capacity


def labels(registration):
    return [plan.label for plan in registration_actions(fresh(registration))]


def mails_to(name):
    return [m for m in mail.outbox if m.to == [f"{name}@example.org"]]


@pytest.fixture
def full_event():
    """One seat, taken by Alice; Bruno waits."""
    event = EventFactory(capacity_onsite=1, title="Visite du CHU")
    book(event, "alice")
    book(event, "bruno")
    return event


# -- cancel -------------------------------------------------------------------------------------


def test_cancelling_says_who_is_emailed_then_gives_the_seat_to_the_first_waitlisted(
    full_event, emails_sent
):
    alice = Registration.objects.get(first_name="alice")
    plan = registration_action_plan(fresh(alice), Action.CANCEL)
    assert plan.notice == (
        "La personne reçoit un e-mail d'annulation ; la première personne de la liste "
        "d'attente reçoit sa place, et un e-mail qui le lui annonce."
    )
    mail.outbox.clear()

    with emails_sent():
        outcome = registration_action_run(registration=fresh(alice), action=Action.CANCEL)

    assert "La personne est prévenue par e-mail" in outcome
    assert "1 personne(s) de la liste d'attente" in outcome
    statuses = dict(Registration.objects.values_list("first_name", "status"))
    assert statuses == {"alice": "cancelled", "bruno": "confirmed"}
    [cancelled] = mails_to("alice")
    assert cancelled.subject == "Inscription annulée : Visite du CHU"
    assert "L'organisateur a annulé votre inscription" in cancelled.body
    assert "Annulez votre inscription" not in cancelled.body
    [promoted] = mails_to("bruno")
    assert promoted.subject.startswith("Une place s'est libérée")
    assert_counters_match_the_rows(full_event)


def test_cancelling_without_a_waitlist_says_the_seat_is_free_and_no_one_else_is_told():
    event = EventFactory(capacity_onsite=5)
    alice = book(event, "alice")

    plan = registration_action_plan(fresh(alice), Action.CANCEL)

    assert plan.notice.endswith("sa place redevient libre ; personne d'autre n'est prévenu.")


def test_cancelling_a_waitlisted_person_tells_only_them(full_event, emails_sent):
    bruno = Registration.objects.get(first_name="bruno")
    plan = registration_action_plan(fresh(bruno), Action.CANCEL)
    assert "quitte la liste d'attente ; personne d'autre n'est prévenu" in plan.notice
    mail.outbox.clear()

    with emails_sent():
        registration_action_run(registration=fresh(bruno), action=Action.CANCEL)

    assert [m.to for m in mail.outbox] == [["bruno@example.org"]]
    assert_counters_match_the_rows(full_event)


def test_cancelling_a_pending_registration_emails_nobody_and_frees_its_held_seat(emails_sent):
    event = EventFactory(capacity_onsite=1)
    pending = registration_create(
        event=event, first_name="zoe", last_name="Martin", email="zoe@example.org"
    ).registration
    plan = registration_action_plan(fresh(pending), Action.CANCEL)
    assert plan.notice.startswith("Son adresse n'a pas été confirmée : la personne ne reçoit")
    mail.outbox.clear()

    with emails_sent():
        outcome = registration_action_run(registration=fresh(pending), action=Action.CANCEL)

    assert outcome == "Inscription annulée."
    assert mail.outbox == []
    assert_counters_match_the_rows(event)
    assert event.confirmed_onsite == 0


def test_once_the_event_has_started_staff_are_offered_no_action():
    event = EventFactory(capacity_onsite=5)
    alice = book(event, "alice")
    Event.objects.filter(pk=event.pk).update(start=timezone.now() - datetime.timedelta(hours=1))

    assert labels(alice) == []
    refusal = registration_action_plan(fresh(alice), Action.CANCEL)
    assert refusal.startswith("Cet événement a déjà commencé")
    with pytest.raises(RegistrationError):
        registration_action_run(registration=fresh(alice), action=Action.CANCEL)
    assert fresh(alice).is_confirmed


def test_an_unknown_action_is_refused_with_a_message():
    alice = book(EventFactory(), "alice")
    assert registration_action_plan(fresh(alice), "supprimer") == "Action inconnue."


# -- reinstate ----------------------------------------------------------------------------------


def test_a_cancelled_registration_is_reinstated_onto_a_free_seat(emails_sent):
    event = EventFactory(capacity_onsite=2, title="Forum santé")
    alice = book(event, "alice")
    registration_action_run(registration=fresh(alice), action=Action.CANCEL)
    assert labels(alice) == ["Rétablir l'inscription"]
    plan = registration_action_plan(fresh(alice), Action.REINSTATE)
    assert plan.notice.startswith("Une place est libre : l'inscription est confirmée")
    mail.outbox.clear()

    with emails_sent():
        outcome = registration_action_run(registration=fresh(alice), action=Action.REINSTATE)

    assert outcome == "Inscription rétablie, confirmée. La personne est prévenue par e-mail."
    assert fresh(alice).is_confirmed
    [message] = mail.outbox
    assert message.subject == "Votre inscription est rétablie : Forum santé"
    assert "Elle est confirmée : une place vous attend" in message.body
    assert any(name.endswith(".ics") for name, _, _ in message.attachments)
    assert_counters_match_the_rows(event)


def test_a_reinstated_registration_goes_to_the_end_of_the_waitlist_when_full(
    full_event, emails_sent
):
    chloe = book(full_event, "chloe")  # waits behind Bruno
    bruno = Registration.objects.get(first_name="bruno")
    registration_action_run(registration=fresh(bruno), action=Action.CANCEL)
    plan = registration_action_plan(fresh(bruno), Action.REINSTATE)
    assert "fin de liste d'attente (position 2)" in plan.notice
    mail.outbox.clear()

    with emails_sent():
        registration_action_run(registration=fresh(bruno), action=Action.REINSTATE)

    assert fresh(bruno).is_waitlisted
    assert (fresh(chloe).waitlist_position(), fresh(bruno).waitlist_position()) == (1, 2)
    [message] = mail.outbox
    assert "vous êtes sur la liste d'attente, en position 2" in message.body
    assert not message.attachments
    assert_counters_match_the_rows(full_event)


def test_reinstating_never_passes_the_people_waiting():
    # A seat is free but Bruno waits for it (a draft's waitlist is not served): a reinstated
    # registration queues behind him.
    event = EventFactory(capacity_onsite=1)
    alice, bruno = book(event, "alice"), book(event, "bruno")
    registration_action_run(registration=fresh(alice), action=Action.CANCEL)
    Registration.objects.filter(pk=bruno.pk).update(status=Registration.Status.WAITLISTED)
    Event.objects.filter(pk=event.pk).update(confirmed_onsite=0)

    registration_reinstate(registration=fresh(alice))

    assert fresh(alice).is_waitlisted
    assert_counters_match_the_rows(event)


def test_reinstating_is_refused_when_the_waitlist_is_full_too(full_event, settings):
    settings.REGISTRATION_WAITLIST_LIMIT = 1
    bruno = Registration.objects.get(first_name="bruno")
    alice = Registration.objects.get(first_name="alice")
    registration_action_run(registration=fresh(bruno), action=Action.CANCEL)
    book(full_event, "chloe")  # takes the waitlist's only place
    registration_action_run(registration=fresh(alice), action=Action.CANCEL)  # chloé seated
    book(full_event, "driss")

    assert labels(alice) == []
    assert registration_action_plan(fresh(alice), Action.REINSTATE) == (
        "Plus de place libre, et la liste d'attente est pleine."
    )
    with pytest.raises(RegistrationError, match="liste d'attente aussi"):
        registration_reinstate(registration=fresh(alice))
    assert fresh(alice).is_cancelled
    assert_counters_match_the_rows(full_event)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"status": Event.Status.DRAFT}, "Cet événement n'est pas publié."),
        ({"status": Event.Status.CANCELLED}, "Cet événement est annulé"),
        ({"start": timezone.now() - datetime.timedelta(days=1)}, "a déjà commencé"),
    ],
    ids=["draft", "cancelled", "started"],
)
def test_reinstating_is_refused_when_the_event_takes_no_registration(change, reason):
    event = EventFactory(capacity_onsite=5)
    alice = book(event, "alice")
    registration_action_run(registration=fresh(alice), action=Action.CANCEL)
    Event.objects.filter(pk=event.pk).update(**change)

    assert reason in registration_action_plan(fresh(alice), Action.REINSTATE)
    with pytest.raises(RegistrationError):
        registration_reinstate(registration=fresh(alice))
    assert fresh(alice).is_cancelled


def test_only_a_cancelled_registration_is_reinstated():
    alice = book(EventFactory(), "alice")
    assert "Rétablir l'inscription" not in labels(alice)
    with pytest.raises(RegistrationError, match="n'est pas annulée"):
        registration_reinstate(registration=fresh(alice))


def test_a_cancellation_email_not_sent_yet_is_dropped_once_reinstated(emails_sent):
    event = EventFactory(capacity_onsite=5, title="Forum santé")
    alice = book(event, "alice")
    mail.outbox.clear()

    with emails_sent():
        registration_action_run(registration=fresh(alice), action=Action.CANCEL)
        registration_action_run(registration=fresh(alice), action=Action.REINSTATE)

    assert [m.subject for m in mail.outbox] == ["Votre inscription est rétablie : Forum santé"]


# -- move between on site and online ------------------------------------------------------------


@pytest.fixture
def hybrid_event():
    """One seat on site (Alice) with Bruno waiting for it; two seats online, one free."""
    event = EventFactory(
        modalite=Event.Modalite.HYBRIDE,
        capacity_onsite=1,
        capacity_online=2,
        title="Forum hybride",
        online_url="https://visio.example/forum",
    )
    book(event, "alice", ONSITE)
    book(event, "bruno", ONSITE)
    book(event, "chloe", ONLINE)
    return event


def test_a_confirmed_person_moves_online_and_their_seat_goes_to_the_onsite_waitlist(
    hybrid_event, emails_sent
):
    alice = Registration.objects.get(first_name="alice")
    assert labels(alice) == ["Annuler l'inscription", "Passer en ligne"]
    plan = registration_action_plan(fresh(alice), Action.MOVE)
    assert plan.notice == (
        "La personne participe désormais en ligne et reçoit un e-mail qui le lui dit, avec le "
        "lien de connexion ; la première personne de la liste d'attente (sur place) reçoit sa "
        "place, et un e-mail qui le lui annonce."
    )
    mail.outbox.clear()

    with emails_sent():
        outcome = registration_action_run(registration=fresh(alice), action=Action.MOVE)

    assert outcome.startswith("Participation changée : en ligne.")
    assert (fresh(alice).mode, fresh(alice).status) == (ONLINE, "confirmed")
    bruno = Registration.objects.get(first_name="bruno")
    assert (bruno.mode, bruno.status) == (ONSITE, "confirmed")
    [moved] = mails_to("alice")
    assert moved.subject == "Votre participation change : Forum hybride"
    assert "https://visio.example/forum" in moved.body
    [promoted] = mails_to("bruno")
    assert promoted.subject.startswith("Une place s'est libérée")
    assert_counters_match_the_rows(hybrid_event)


def test_a_waitlisted_person_moves_onto_a_free_seat_of_the_other_mode(hybrid_event, emails_sent):
    bruno = Registration.objects.get(first_name="bruno")
    plan = registration_action_plan(fresh(bruno), Action.MOVE)
    assert plan.notice.endswith("elle quitte la liste d'attente pour une place libre.")

    with emails_sent():
        registration_move(registration=fresh(bruno), mode=ONLINE)

    assert (fresh(bruno).mode, fresh(bruno).status) == (ONLINE, "confirmed")
    assert_counters_match_the_rows(hybrid_event)


def test_no_move_is_offered_towards_a_full_mode(hybrid_event):
    book(hybrid_event, "driss", ONLINE)  # online is now full
    chloe = Registration.objects.get(first_name="chloe")
    alice = Registration.objects.get(first_name="alice")

    assert labels(alice) == ["Annuler l'inscription"]
    assert registration_action_plan(fresh(alice), Action.MOVE) == "Plus de place en ligne."
    with pytest.raises(RegistrationError, match="Plus de place en ligne"):
        registration_move(registration=fresh(alice), mode=ONLINE)
    # Online to on site: the seat on site is Alice's.
    assert "Passer sur place" not in labels(chloe)
    assert_counters_match_the_rows(hybrid_event)


def test_an_event_with_one_mode_offers_no_move():
    alice = book(EventFactory(capacity_onsite=5), "alice")
    assert "Passer en ligne" not in labels(alice)
    with pytest.raises(RegistrationError, match="sur place et en ligne"):
        registration_move(registration=fresh(alice), mode=ONLINE)


def test_every_offered_action_comes_with_its_notice(hybrid_event):
    for registration in Registration.objects.filter(event=hybrid_event):
        for offered in registration_actions(fresh(registration)):
            plan = registration_action_plan(fresh(registration), offered.action)
            assert isinstance(plan, ActionPlan)
            assert "e-mail" in plan.notice
