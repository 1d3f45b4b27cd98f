"""The e-mail delivery job: what is retried and when, what is given up, the Message-ID."""

import smtplib
from unittest import mock

import pytest
from django.utils import timezone
from procrastinate import RetryDecision
from procrastinate.jobs import Job

from events import emails
from events.models import Registration
from semaine.mail import DeliveryError, DeliveryRetry, PermanentDeliveryError, is_permanent
from tests.factories import RegistrationFactory


def job(attempts):
    return Job(
        id=1, queue="emails", lock=None, queueing_lock=None, task_name="t", attempts=attempts
    )


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"unknown")}), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"mailbox busy")}), False),
        (smtplib.SMTPDataError(554, b"rejected"), True),
        (smtplib.SMTPDataError(451, b"try later"), False),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
        (smtplib.SMTPServerDisconnected("gone"), False),
        (ConnectionRefusedError(), False),
        (TimeoutError(), False),
    ],
)
def test_only_a_refusal_of_the_message_itself_is_permanent(error, permanent):
    assert is_permanent(error) is permanent


def test_retries_back_off_exponentially_up_to_an_hour_then_give_up(settings):
    strategy = DeliveryRetry()
    waits = []
    for attempts in range(settings.EMAIL_RETRY_ATTEMPTS):
        before = timezone.now()
        decision = strategy.get_retry_decision(exception=DeliveryError("x"), job=job(attempts))
        if decision is None:
            waits.append(None)
        else:
            assert isinstance(decision, RetryDecision)
            waits.append(round((decision.retry_at - before).total_seconds()))
    assert waits[:5] == [30, 60, 120, 240, 480]
    assert max(w for w in waits if w) == 3600
    # The 40th attempt is the last; about a day and a half of retries before it.
    assert waits[-1] is None and None not in waits[:-1]
    assert 30 * 3600 < sum(waits[:-1]) < 48 * 3600


def test_a_permanent_refusal_is_never_retried():
    decision = DeliveryRetry().get_retry_decision(exception=PermanentDeliveryError("x"), job=job(0))
    assert decision is None


@pytest.mark.django_db
def test_the_message_id_is_the_same_for_every_attempt_of_one_job(mailoutbox):
    registration = RegistrationFactory()
    for _ in range(2):
        emails.send_queued(kind="confirmed", registration_id=registration.pk, job_id=42)
    ids = {message.extra_headers["Message-ID"] for message in mailoutbox}
    assert ids == {f"<confirmed.{registration.pk}.42@semaine-soin.fr>"}


@pytest.mark.django_db
def test_the_last_attempt_records_the_failure_for_staff(settings):
    registration = RegistrationFactory()
    with (
        mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=TimeoutError),
        pytest.raises(DeliveryError),
    ):
        emails.send_queued(
            kind="confirmed",
            registration_id=registration.pk,
            job_id=1,
            attempts=settings.EMAIL_RETRY_ATTEMPTS - 1,
        )
    registration.refresh_from_db()
    assert registration.email_failure == "Serveur de messagerie injoignable"
    assert registration.email_failed_at is not None


@pytest.mark.django_db
def test_an_email_for_an_anonymised_or_deleted_registration_is_dropped(mailoutbox):
    gone = RegistrationFactory()
    gone_id = gone.pk
    gone.delete()
    anonymised = RegistrationFactory(anonymised_at="2030-01-01T00:00:00Z")
    cancelled = RegistrationFactory(status=Registration.Status.CANCELLED)
    assert not emails.send_queued(kind="confirmed", registration_id=gone_id, job_id=1)
    assert not emails.send_queued(kind="reminder", registration_id=anonymised.pk, job_id=2)
    assert not emails.send_queued(kind="promoted", registration_id=cancelled.pk, job_id=3)
    assert mailoutbox == []


def test_queueing_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="transaction"):
        emails.queue_email("confirmed", Registration(pk=1))
