import datetime
import io
import zoneinfo
from unittest import mock

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone
from procrastinate.contrib.django import app

from events.models import Event, Registration
from events.services.registration import registrations_purge
from events.tasks import purge_registrations, queue_reminders
from semaine.mail import DeliveryError
from tests.conftest import register_confirmed, run_queued_emails
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def tomorrow_at(hour):
    day = timezone.localtime(timezone.now(), PARIS).date() + datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=PARIS)


def run(command, *args):
    out = io.StringIO()
    call_command(command, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def tomorrow_event():
    start = tomorrow_at(10)
    return EventFactory(
        title="Forum de l'aide à domicile",
        start=start,
        end=start + datetime.timedelta(hours=3),
        capacity_onsite=1,
    )


# -- reminders --------------------------------------------------------------------------------


def test_each_confirmed_person_gets_one_reminder_however_often_it_runs(tomorrow_event):
    alice = register_confirmed(
        event=tomorrow_event, first_name="Alice", last_name="M", email="alice@example.org"
    )
    register_confirmed(
        event=tomorrow_event, first_name="Bruno", last_name="M", email="bruno@example.org"
    )  # waitlisted: no seat, no reminder
    run_queued_emails()
    mail.outbox.clear()

    assert run("send_reminders").startswith("1 reminder(s) queued")
    assert run("send_reminders").startswith("0 reminder(s) queued")
    # The worker's periodic job does the same, and finds nothing left either.
    assert queue_reminders(timestamp=0) == 0
    assert run_queued_emails() == 1

    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject.startswith("Rappel : Forum de l'aide à domicile")
    assert "10h00" in message.body
    assert "12 rue de la République, 69003 Lyon" in message.body
    assert message.attachments[0][2] == "text/calendar"
    alice.refresh_from_db()
    assert alice.reminder_sent_at is not None


def test_the_reminder_of_an_online_event_gives_the_connection_link():
    start = tomorrow_at(14)
    event = EventFactory(
        modalite=Event.Modalite.DISTANCIEL,
        address="",
        department=None,
        online_url="https://visio.example/atelier",
        capacity_onsite=None,
        capacity_online=30,
        start=start,
        end=start + datetime.timedelta(hours=1),
    )
    register_confirmed(event=event, first_name="Chloé", last_name="M", email="c@example.org")
    run_queued_emails()
    mail.outbox.clear()
    run("send_reminders")
    run_queued_emails()
    (message,) = mail.outbox
    assert "Lien de connexion : https://visio.example/atelier" in message.body
    assert 'href="https://visio.example/atelier"' in message.alternatives[0][0]


def test_no_reminder_for_later_cancelled_or_unconfirmed(tomorrow_event):
    later = EventFactory(start=timezone.now() + datetime.timedelta(days=5))
    RegistrationFactory(event=later)
    cancelled_event = EventFactory(
        start=tomorrow_event.start, end=tomorrow_event.end, status=Event.Status.CANCELLED
    )
    RegistrationFactory(event=cancelled_event)
    RegistrationFactory(event=tomorrow_event, status=Registration.Status.CANCELLED)
    RegistrationFactory(event=tomorrow_event, status=Registration.Status.WAITLISTED)
    assert run("send_reminders").startswith("0 reminder(s) queued")
    assert run_queued_emails() == 0


def test_an_unsent_reminder_stays_queued_for_the_next_attempt(tomorrow_event):
    registration = RegistrationFactory(event=tomorrow_event)
    assert run("send_reminders").startswith("1 reminder(s) queued")
    with (
        mock.patch(
            "django.core.mail.EmailMultiAlternatives.send", side_effect=ConnectionRefusedError
        ),
        pytest.raises(DeliveryError),
    ):
        run_queued_emails()
    # Claimed once, queued once: the next run queues nothing more, the queue retries it.
    assert run("send_reminders").startswith("0 reminder(s) queued")
    assert run_queued_emails() == 1
    assert [m.to for m in mail.outbox] == [[registration.email]]


def test_a_reminder_queued_then_cancelled_is_not_sent(tomorrow_event):
    registration = RegistrationFactory(event=tomorrow_event)
    run("send_reminders")
    Registration.objects.filter(pk=registration.pk).update(status=Registration.Status.CANCELLED)
    assert run_queued_emails() == 1
    assert mail.outbox == []


# -- retention ----------------------------------------------------------------------------------


def finished_event(months_ago):
    end = timezone.now() - relativedelta(months=months_ago)
    return EventFactory(start=end - datetime.timedelta(hours=2), end=end)


def test_purge_anonymises_registrations_of_events_finished_more_than_six_months_ago():
    old = finished_event(7)
    recent = finished_event(5)
    old_one = RegistrationFactory(
        event=old, first_name="Ancien", phone="0612345678", situation="etudiant"
    )
    RegistrationFactory(event=old, status=Registration.Status.CANCELLED)
    recent_one = RegistrationFactory(event=recent, first_name="Récent")

    assert run("purge_registrations") == (
        "2 registration(s) anonymised.\n0 walk-in(s) anonymised.\n"
        "0 proposal(s) deleted or anonymised.\n"
    )

    old_one.refresh_from_db()
    assert (old_one.first_name, old_one.last_name, old_one.phone) == ("", "", "")
    assert old_one.email == f"anonyme-{old_one.pk}@anonyme.invalid"
    assert old_one.anonymised_at is not None
    # What the statistics need stays.
    assert (old_one.status, old_one.situation) == (
        Registration.Status.CONFIRMED,
        Registration.Situation.STUDENT,
    )
    recent_one.refresh_from_db()
    assert recent_one.first_name == "Récent"
    assert run("purge_registrations") == (
        "0 registration(s) anonymised.\n0 walk-in(s) anonymised.\n"
        "0 proposal(s) deleted or anonymised.\n"
    )


def test_the_workers_purge_every_night_without_cron():
    old_one = RegistrationFactory(event=finished_event(7))
    assert purge_registrations(timestamp=0) == 1
    assert purge_registrations(timestamp=0) == 0
    old_one.refresh_from_db()
    assert old_one.anonymised_at is not None
    periodic = {task.task.name: task.cron for task in app.periodic_registry.periodic_tasks.values()}
    assert periodic["events.tasks.purge_registrations"] == "30 3 * * *"
    assert periodic["events.tasks.queue_reminders"] == "*/15 * * * *"
    assert periodic["semaine.tasks.retry_stalled_jobs"] == "* * * * *"


def test_purge_follows_the_retention_setting_and_the_months_option(settings):
    event = finished_event(3)
    RegistrationFactory(event=event)
    settings.REGISTRATION_RETENTION_MONTHS = 4
    assert run("purge_registrations").startswith("0 ")
    assert run("purge_registrations", "--months", "2").startswith("1 ")


def test_purge_refuses_a_negative_number_of_months():
    with pytest.raises(CommandError):
        call_command("purge_registrations", "--months", "-1")


@pytest.mark.parametrize(
    ("now", "months", "cutoff"),
    [
        # Calendar months, the day clamped to the shorter month: not a number of days.
        (datetime.datetime(2030, 8, 31, 12, tzinfo=datetime.UTC), 6, (2030, 2, 28, 12)),
        (datetime.datetime(2030, 3, 15, tzinfo=datetime.UTC), 6, (2029, 9, 15, 0)),
        (datetime.datetime(2030, 3, 31, tzinfo=datetime.UTC), 1, (2030, 2, 28, 0)),
        (datetime.datetime(2030, 1, 10, tzinfo=datetime.UTC), 12, (2029, 1, 10, 0)),
    ],
)
def test_the_retention_months_are_counted_on_the_calendar(now, months, cutoff):
    cutoff = datetime.datetime(*cutoff, tzinfo=datetime.UTC)
    minute = datetime.timedelta(minutes=1)
    before = RegistrationFactory(event=EventFactory(start=cutoff - 3 * minute, end=cutoff - minute))
    after = RegistrationFactory(event=EventFactory(start=cutoff - minute, end=cutoff + minute))
    assert registrations_purge(months=months, now=now) == 1
    before.refresh_from_db()
    after.refresh_from_db()
    assert before.anonymised_at is not None
    assert after.anonymised_at is None
