"""Staff's message to an event's registrants: who receives it, once each, through the queue."""

import json
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from events import emails
from events.models import EventMessage, EventMessageRecipient, Registration
from events.services.messages import (
    Audience,
    MessageError,
    event_message_audience,
    event_message_send,
)
from semaine.mail import DeliveryError
from tests.conftest import run_queued_emails
from tests.factories import EventFactory, RegistrationFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def sender(lyon, fast_password_hasher):
    return staff_user("agent-lyon", group="Agence", organiser=lyon)


@pytest.fixture
def event(lyon):
    """Two confirmed, one waitlisted, one cancelled, one pending, one anonymised."""
    event = EventFactory(organiser=lyon, title="Forum santé")
    for name in ("alice", "bruno"):
        RegistrationFactory(event=event, first_name=name, email=f"{name}@example.org")
    RegistrationFactory(
        event=event, first_name="chloe", email="chloe@example.org", status="waitlisted"
    )
    RegistrationFactory(
        event=event, first_name="driss", email="driss@example.org", status="cancelled"
    )
    RegistrationFactory(event=event, first_name="eve", email="eve@example.org", status="pending")
    RegistrationFactory(
        event=event, email="anonyme-1@anonyme.invalid", anonymised_at=timezone.now()
    )
    return event


def recipients_of_outbox():
    return sorted(address for message in mail.outbox for address in message.to)


def queued_message_jobs():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, args FROM procrastinate_jobs WHERE task_name = %s AND status = 'todo'"
            " AND args->>'kind' = 'message' ORDER BY id",
            [emails.deliver.name],
        )
        # Django's connection hands jsonb over as text.
        return [
            (job_id, json.loads(args) if isinstance(args, str) else args)
            for job_id, args in cursor.fetchall()
        ]


def send(event, sender, **kwargs):
    return event_message_send(
        event=event,
        user=sender,
        subject=kwargs.pop("subject", "Changement de salle"),
        body=kwargs.pop("body", "Rendez-vous salle B, au deuxième étage."),
        **kwargs,
    )


def test_the_audience_counts_the_confirmed_and_the_waitlisted(event):
    assert event_message_audience(event) == Audience(confirmed=2, waitlisted=1)


def test_the_message_reaches_each_confirmed_person_once_through_the_queue(event, sender):
    message = send(event, sender)
    mail.outbox.clear()

    assert message.recipients == 2
    jobs = queued_message_jobs()
    assert len(jobs) == 2
    # The queue holds ids only: no address, no name, no text.
    for _, args in jobs:
        assert set(args) == {"kind", "registration_id", "event_message_id"}
    run_queued_emails()

    assert recipients_of_outbox() == ["alice@example.org", "bruno@example.org"]
    first = mail.outbox[0]
    assert first.subject == "Changement de salle – Forum santé"
    assert "Rendez-vous salle B, au deuxième étage." in first.body
    assert "Forum santé" in first.body and "Annulez votre inscription" in first.body
    assert EventMessageRecipient.objects.filter(message=message, sent_at__isnull=False).count() == 2


def test_the_waitlist_receives_it_when_asked(event, sender):
    send(event, sender, include_waitlist=True)
    mail.outbox.clear()
    run_queued_emails()

    assert recipients_of_outbox() == [
        "alice@example.org",
        "bruno@example.org",
        "chloe@example.org",
    ]
    [chloe] = [m for m in mail.outbox if m.to == ["chloe@example.org"]]
    assert "(sur liste d'attente)" in chloe.body


def test_a_job_run_again_after_it_sent_the_message_sends_nothing(event, sender):
    message = send(event, sender)
    jobs = queued_message_jobs()
    mail.outbox.clear()
    run_queued_emails()
    assert len(mail.outbox) == 2

    # The worker died before marking its jobs done: they come back and run again.
    for job_id, args in jobs:
        assert emails.send_queued(job_id=job_id, attempts=1, **args) is False

    assert len(mail.outbox) == 2
    assert message.deliveries.filter(sent_at__isnull=False).count() == 2


def test_a_mail_server_failure_is_retried_and_each_person_still_receives_it_once(
    event, sender, monkeypatch
):
    send(event, sender)
    mail.outbox.clear()
    real_send = EmailBackend.send_messages
    failures = []

    def down_once_for_bruno(backend, messages):
        if messages[0].to == ["bruno@example.org"] and not failures:
            failures.append(1)
            raise smtplib.SMTPServerDisconnected("down")
        return real_send(backend, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", down_once_for_bruno)

    with pytest.raises(DeliveryError):
        run_queued_emails()  # Alice's is sent, Bruno's fails and stays in the queue
    run_queued_emails()  # the retry

    assert recipients_of_outbox() == ["alice@example.org", "bruno@example.org"]
    assert queued_message_jobs() == []


def test_a_person_who_cancelled_meanwhile_is_not_written_to(event, sender):
    send(event, sender)
    Registration.objects.filter(first_name="alice").update(status="cancelled")
    mail.outbox.clear()

    run_queued_emails()

    assert recipients_of_outbox() == ["bruno@example.org"]


def test_a_message_to_nobody_is_refused_and_recorded_nowhere(sender, lyon):
    event = EventFactory(organiser=lyon)
    RegistrationFactory(event=event, status="waitlisted")

    with pytest.raises(MessageError, match="aucune inscription confirmée"):
        send(event, sender)

    assert not EventMessage.objects.exists()
    assert queued_message_jobs() == []


def test_the_same_message_sent_twice_in_a_row_goes_once(event, sender):
    send(event, sender)

    with pytest.raises(MessageError, match="vient d'être envoyé"):
        send(event, sender)

    assert EventMessage.objects.count() == 1
    assert len(queued_message_jobs()) == 2


def test_the_record_says_who_and_how_many_not_to_whom(event, sender):
    message = send(event, sender, subject="Document  à\napporter")

    assert (message.sent_by, message.sent_by_name, message.recipients) == (sender, "agent-lyon", 2)
    # A line break in a subject would be a header injection: it is one line.
    assert message.subject == "Document à apporter"
    recorded = " ".join(str(value) for value in EventMessage.objects.values().get().values())
    for name in ("alice", "bruno"):
        assert name not in recorded


def test_the_html_version_shows_staffs_text_as_text(event, sender):
    send(event, sender, body="Apportez <b>votre CV</b>\n\net une pièce d'identité.")
    mail.outbox.clear()
    run_queued_emails()

    html = mail.outbox[0].alternatives[0][0]
    assert "&lt;b&gt;votre CV&lt;/b&gt;" in html
    assert "<p>et une pièce d&#x27;identité.</p>" in html
