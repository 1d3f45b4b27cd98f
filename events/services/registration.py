"""Registration writes: book a seat, cancel and promote, remind, purge.

Every change of a registration's status happens here, under a row lock on its event, so that the
seat counters `Event.confirmed_onsite` / `confirmed_online` always equal the confirmed rows and
never exceed the capacity, however many people submit in the same second.
"""

import dataclasses
import datetime
import logging

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat, Lower
from django.utils import timezone

from events import emails
from events.models import Event, Registration
from events.models.registration import CANCEL_TOKEN_SALT
from events.models.rules import ONE_REGISTRATION_PER_EMAIL

logger = logging.getLogger(__name__)

COUNTER = {
    Registration.Mode.PRESENTIEL: ("capacity_onsite", "confirmed_onsite"),
    Registration.Mode.DISTANCIEL: ("capacity_online", "confirmed_online"),
}


class RegistrationError(Exception):
    """A registration or cancellation that the rules refuse; the message is shown to the user."""


@dataclasses.dataclass(frozen=True)
class RegistrationResult:
    registration: Registration
    # False when this e-mail was already registered: nothing new was stored.
    created: bool
    # 1-based place on the waitlist, None when confirmed.
    waitlist_position: int | None = None


# -- queries ------------------------------------------------------------------------------------


def registration_modes(event: Event) -> list[str]:
    """The ways one may take part in `event`: on site, online, or both for a hybrid event."""
    modes = []
    if event.is_onsite:
        modes.append(Registration.Mode.PRESENTIEL)
    if event.is_online:
        modes.append(Registration.Mode.DISTANCIEL)
    return modes


def registration_from_token(token: str) -> Registration:
    """The registration a cancellation token points to; RegistrationError if forged or expired."""
    try:
        data = signing.loads(
            token,
            salt=CANCEL_TOKEN_SALT,
            max_age=datetime.timedelta(days=settings.REGISTRATION_TOKEN_MAX_AGE_DAYS),
        )
    except signing.SignatureExpired:
        raise RegistrationError("Ce lien d'annulation a expiré.") from None
    except signing.BadSignature:
        raise RegistrationError("Ce lien d'annulation n'est pas valide.") from None
    pk = data.get("r") if isinstance(data, dict) else None
    registration = (
        Registration.objects.select_related("event", "event__department", "event__organiser")
        .filter(pk=pk, anonymised_at__isnull=True)
        .first()
        if isinstance(pk, int)
        else None
    )
    if registration is None:
        raise RegistrationError("Cette inscription n'existe plus.")
    return registration


# -- writes -------------------------------------------------------------------------------------


def _confirm_if_seat_left(event: Event, registration: Registration) -> None:
    """Confirm or waitlist `registration`; the caller holds the lock on `event`'s row."""
    capacity_field, counter_field = COUNTER[registration.mode]
    capacity = getattr(event, capacity_field)
    if capacity is None or getattr(event, counter_field) < capacity:
        registration.status = Registration.Status.CONFIRMED
        Event.objects.filter(pk=event.pk).update(**{counter_field: F(counter_field) + 1})
        setattr(event, counter_field, getattr(event, counter_field) + 1)
        return
    waiting = Registration.objects.waitlisted().filter(event=event, mode=registration.mode).count()
    if waiting >= settings.REGISTRATION_WAITLIST_LIMIT:
        if settings.REGISTRATION_WAITLIST_LIMIT == 0:
            raise RegistrationError("Cet événement est complet.")
        raise RegistrationError("Cet événement est complet et sa liste d'attente aussi.")
    registration.status = Registration.Status.WAITLISTED


def _chosen_mode(event: Event, mode: str) -> str:
    """The mode asked for, or the event's only one; RegistrationError when it is not offered."""
    modes = registration_modes(event)
    mode = mode or (modes[0] if len(modes) == 1 else "")
    if mode not in modes:
        raise RegistrationError("Choisissez comment vous participez : sur place ou en ligne.")
    return mode


def _locked_registration(event: Event, email: str) -> Registration | None:
    """The event's registration with this e-mail (whatever its case), its row locked."""
    return (
        Registration.objects.select_for_update()
        .annotate(email_lower=Lower("email"))
        .filter(event=event, email_lower=email.lower())
        .first()
    )


def _save_once_per_email(registration: Registration) -> None:
    try:
        # The savepoint keeps the outer transaction usable if the unique constraint fires
        # (a registration written outside these services, e.g. by hand in the admin).
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        raise RegistrationError(ONE_REGISTRATION_PER_EMAIL) from None


def registration_create(
    *,
    event: Event,
    first_name: str,
    last_name: str,
    email: str,
    mode: str = "",
    phone: str = "",
    situation: str = "",
    consent_contact: bool = False,
) -> RegistrationResult:
    """Register one person to `event`: confirmed while seats are left, waitlisted after.

    The event's row is locked for the whole transaction, so concurrent submissions are served one
    after the other. A second submission with the same e-mail (whatever its case) returns the
    existing registration with `created=False`; a cancelled one is renewed at the end of the queue.
    Raises RegistrationError when the event is not open or is full without a waitlist.
    """
    mode = _chosen_mode(event, mode)
    email = email.strip()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if not event.registration_open:
            raise RegistrationError(event.registration_closed_reason())
        existing = _locked_registration(event, email)
        if existing and not existing.is_cancelled:
            return RegistrationResult(
                existing, created=False, waitlist_position=existing.waitlist_position()
            )
        registration = existing or Registration(event=event)
        registration.mode = mode
        registration.first_name = first_name.strip()
        registration.last_name = last_name.strip()
        registration.email = email
        registration.phone = phone.strip()
        registration.situation = situation
        registration.consent_contact = consent_contact
        registration.reminder_sent_at = None
        # A renewed registration queues behind those who were already waiting.
        registration.created_at = timezone.now()
        _confirm_if_seat_left(event, registration)
        _save_once_per_email(registration)
        registration.event = event
        position = registration.waitlist_position()
        logger.info(
            "registration %s to event %s: %s (%s)",
            registration.pk,
            event.pk,
            registration.status,
            registration.mode,
        )
        # Queued in this transaction: committed with the seat, or not at all.
        emails.queue_email("confirmed" if registration.is_confirmed else "waitlisted", registration)
    return RegistrationResult(registration, created=True, waitlist_position=position)


def _promote_waitlisted(event: Event, mode: str) -> list[Registration]:
    """Give the free seats of `mode` to the waitlist, first come first served (lock held)."""
    capacity_field, counter_field = COUNTER[mode]
    promoted = []
    queue = (
        Registration.objects.select_for_update()
        .waitlisted()
        .filter(event=event, mode=mode)
        .order_by("created_at", "id")
    )
    for registration in queue:
        capacity = getattr(event, capacity_field)
        if capacity is not None and getattr(event, counter_field) >= capacity:
            break
        registration.status = Registration.Status.CONFIRMED
        registration.save(update_fields=["status", "updated_at"])
        Event.objects.filter(pk=event.pk).update(**{counter_field: F(counter_field) + 1})
        setattr(event, counter_field, getattr(event, counter_field) + 1)
        promoted.append(registration)
    return promoted


def registration_cancel(*, registration: Registration) -> list[Registration]:
    """Cancel a registration; a freed seat goes to the first waitlisted person of the same mode.

    Idempotent: cancelling a cancelled registration changes nothing. Returns the promoted
    registrations, whose e-mails are queued in the same transaction.
    """
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.is_cancelled:
            registration.status = current.status
            return []
        reason = event.cancellation_closed_reason()
        if reason:
            raise RegistrationError(reason)
        was_confirmed = current.is_confirmed
        current.status = Registration.Status.CANCELLED
        current.save(update_fields=["status", "updated_at"])
        registration.status = current.status
        promoted = []
        if was_confirmed:
            counter_field = COUNTER[current.mode][1]
            Event.objects.filter(pk=event.pk).update(**{counter_field: F(counter_field) - 1})
            setattr(event, counter_field, getattr(event, counter_field) - 1)
            if event.is_published:
                promoted = _promote_waitlisted(event, current.mode)
        logger.info(
            "registration %s to event %s cancelled, %d promoted",
            current.pk,
            event.pk,
            len(promoted),
        )
        for person in promoted:
            person.event = event
            emails.queue_email("promoted", person)
    return promoted


def registration_promote_waitlist(*, event: Event) -> list[Registration]:
    """Give seats freed by a capacity increase (e.g. in the admin) to the waitlists, in order,
    and queue the e-mails of the people promoted in the same transaction."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if not event.is_published or event.start <= timezone.now():
            return []
        promoted = []
        for mode in registration_modes(event):
            promoted += _promote_waitlisted(event, mode)
        for person in promoted:
            person.event = event
            emails.queue_email("promoted", person)
    return promoted


# -- batches ------------------------------------------------------------------------------------


def registrations_due_for_reminder(now: datetime.datetime | None = None):
    """Confirmed registrations of published events that start tomorrow or sooner (local date),
    whose reminder has not been sent yet."""
    now = now or timezone.now()
    candidates = (
        Registration.objects.confirmed()
        .to_published_events()
        .filter(
            reminder_sent_at__isnull=True,
            anonymised_at__isnull=True,
            event__start__gt=now,
            # Two days covers "tomorrow" in every time zone of the week's territories.
            event__start__lte=now + datetime.timedelta(days=2),
        )
        .select_related("event", "event__department", "event__organiser")
        .order_by("event__start", "id")
    )
    for registration in candidates:
        event = registration.event
        tomorrow = timezone.localtime(now, event.tzinfo).date() + datetime.timedelta(days=1)
        if event.local_start.date() <= tomorrow:
            yield registration


def registrations_queue_reminders(*, now: datetime.datetime | None = None) -> int:
    """Queue the day-before reminder of every registration due for it; returns how many.

    Each registration is claimed (`reminder_sent_at`) in the transaction that queues its
    e-mail, and only while unclaimed: two runs, even at the same time, queue one reminder per
    person. A mail server that is down delays the e-mail (the queue retries it), it never loses
    the reminder.
    """
    queued = 0
    for registration in registrations_due_for_reminder(now):
        with transaction.atomic():
            claimed = (
                Registration.objects.confirmed()
                .filter(pk=registration.pk, reminder_sent_at__isnull=True)
                .update(reminder_sent_at=timezone.now())
            )
            if claimed:
                emails.queue_email("reminder", registration)
                queued += 1
    return queued


def registrations_purge(*, months: int | None = None, now: datetime.datetime | None = None) -> int:
    """Anonymise the registrations of events finished more than `months` months ago.

    Names, e-mail, phone and consent are erased; mode, status, situation and dates stay, so the
    week's statistics still add up. Returns the number of registrations anonymised.
    """
    months = settings.REGISTRATION_RETENTION_MONTHS if months is None else months
    # On the calendar: six months before 31 August is 28 February (the day clamped), not 184 days.
    cutoff = (now or timezone.now()) - relativedelta(months=months)
    return Registration.objects.filter(event__end__lt=cutoff, anonymised_at__isnull=True).update(
        first_name="",
        last_name="",
        # Unique per row, so that the one-e-mail-per-event constraint still holds.
        email=Concat(Value("anonyme-"), Cast("id", CharField()), Value("@anonyme.invalid")),
        phone="",
        consent_contact=False,
        anonymised_at=timezone.now(),
    )
