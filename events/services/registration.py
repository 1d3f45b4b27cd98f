"""Registration writes: hold a seat, confirm the address, expire, cancel and promote, remind,
purge; and what staff do to one registration (cancel, reinstate, move to the other mode).

Every change of a registration's status happens here, under a row lock on its event, so that the
seat counters `Event.confirmed_onsite` / `confirmed_online` always equal the seats taken (the
confirmed rows and the pending ones holding a seat) and never exceed the capacity, however many
people submit in the same second.

Double opt-in: a submitted registration is pending until the person clicks the signed link of
its e-mail (REGISTRATION_CONFIRM_MINUTES). While seats are left it holds one meanwhile; on time,
it is confirmed, or put on the waitlist (its place there given then); late, it is deleted and
its seat goes to the waitlist. Invented addresses therefore hold a seat for half an hour at most.

The answer to a submission never says whether the address was already registered: the person
is told by e-mail, in both cases.
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
from events.models.registration import CANCEL_TOKEN_SALT, CONFIRM_TOKEN_SALT
from events.models.rules import ONE_REGISTRATION_PER_EMAIL

logger = logging.getLogger(__name__)

COUNTER = {
    Registration.Mode.PRESENTIEL: ("capacity_onsite", "confirmed_onsite"),
    Registration.Mode.DISTANCIEL: ("capacity_online", "confirmed_online"),
}


NETWORK_CAP_REACHED = (
    "Trop d'inscriptions à cet événement ont été faites depuis votre connexion. Si vous "
    "souhaitez tout de même vous inscrire, contactez l'organisateur."
)
MODE_NOT_OFFERED = "Cet événement n'offre plus de participation « {mode} »."
CONFIRM_LINK_INVALID = "Ce lien de confirmation n'est pas valide."
CONFIRM_LINK_EXPIRED = (
    "Ce lien de confirmation a expiré : l'inscription n'a pas été confirmée à temps, et la place "
    "qui vous était réservée a été libérée. Vous pouvez vous inscrire de nouveau."
)


class RegistrationError(Exception):
    """A registration or cancellation that the rules refuse; the message is shown to the user."""


class ConfirmationExpired(RegistrationError):
    """The confirmation link came too late: the pending registration is gone."""

    def __init__(self, event_id: int):
        super().__init__(CONFIRM_LINK_EXPIRED)
        self.event_id = event_id


@dataclasses.dataclass(frozen=True)
class RegistrationResult:
    registration: Registration
    # False when this e-mail was already registered: nothing new was stored, the person was
    # e-mailed their registration. Never shown: the answer is the same in both cases.
    created: bool


@dataclasses.dataclass(frozen=True)
class ConfirmationResult:
    registration: Registration
    # False when the link had been used already: nothing changed.
    confirmed_now: bool


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


def _confirm_token_data(token: str) -> tuple[int, int, datetime.datetime]:
    """(registration id, event id, deadline) of a confirmation link; RegistrationError if
    forged."""
    try:
        data = signing.loads(token, salt=CONFIRM_TOKEN_SALT)
    except signing.BadSignature:
        raise RegistrationError(CONFIRM_LINK_INVALID) from None
    values = [data.get(key) for key in ("r", "e", "by")] if isinstance(data, dict) else []
    if len(values) != 3 or not all(isinstance(value, int) for value in values):
        raise RegistrationError(CONFIRM_LINK_INVALID)
    pk, event_id, deadline = values
    return pk, event_id, datetime.datetime.fromtimestamp(deadline, tz=datetime.UTC)


def registration_from_confirm_token(token: str) -> Registration:
    """The registration a confirmation link points to; ConfirmationExpired after its deadline
    (the registration may be deleted by then), RegistrationError if forged or gone."""
    pk, event_id, deadline = _confirm_token_data(token)
    registration = (
        Registration.objects.select_related("event", "event__department", "event__organiser")
        .filter(pk=pk, anonymised_at__isnull=True)
        .first()
    )
    if deadline <= timezone.now() and (registration is None or registration.is_pending):
        raise ConfirmationExpired(event_id)
    if registration is None:
        raise RegistrationError("Cette inscription n'existe plus.")
    return registration


# -- writes -------------------------------------------------------------------------------------


def _seat_left(event: Event, mode: str) -> bool:
    """Whether a seat of `mode` is free (neither confirmed nor held); lock on `event` held."""
    capacity_field, counter_field = COUNTER[mode]
    capacity = getattr(event, capacity_field)
    return capacity is None or getattr(event, counter_field) < capacity


def _take_seat(event: Event, mode: str, step: int = 1) -> None:
    """Move the seat counter of `mode` by `step`; the caller holds the lock on `event`'s row."""
    counter_field = COUNTER[mode][1]
    Event.objects.filter(pk=event.pk).update(**{counter_field: F(counter_field) + step})
    setattr(event, counter_field, getattr(event, counter_field) + step)


def _check_waitlist_room(event: Event, mode: str) -> None:
    waiting = Registration.objects.waitlisted().filter(event=event, mode=mode).count()
    if waiting >= settings.REGISTRATION_WAITLIST_LIMIT:
        if settings.REGISTRATION_WAITLIST_LIMIT == 0:
            raise RegistrationError("Cet événement est complet.")
        raise RegistrationError("Cet événement est complet et sa liste d'attente aussi.")


def _check_network_cap(event: Event, network: str) -> None:
    limit = settings.REGISTRATION_NETWORK_LIMIT
    if not network or limit <= 0:
        return
    taken = (
        Registration.objects.filter(event=event, network=network)
        .exclude(status=Registration.Status.CANCELLED)
        .count()
    )
    if taken >= limit:
        raise RegistrationError(NETWORK_CAP_REACHED)


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
    network: str = "",
) -> RegistrationResult:
    """Register one person to `event`, pending the confirmation of their e-mail address.

    The registration holds a seat while seats are left (the waitlist gets its place when the
    address is confirmed), and the confirmation e-mail is queued. A second submission with the
    same e-mail (whatever its case) changes nothing and e-mails that person their registration
    and links (`created=False`); a cancelled one is renewed. `network` is the submitter's
    hashed network (`semaine.ratelimit.network_key`): at most REGISTRATION_NETWORK_LIMIT
    registrations to one event from one network.

    The event's row is locked for the whole transaction, so concurrent submissions are served one
    after the other. Every refusal (RegistrationError: registration closed, network cap, event
    and waitlist full) is decided before the e-mail is looked up, so that it cannot tell who is
    registered.
    """
    mode = _chosen_mode(event, mode)
    email = email.strip()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if not event.registration_open:
            raise RegistrationError(event.registration_closed_reason())
        _check_network_cap(event, network)
        seat_left = _seat_left(event, mode)
        if not seat_left:
            _check_waitlist_room(event, mode)
        existing = _locked_registration(event, email)
        now = timezone.now()
        if existing and existing.is_pending and existing.confirm_by <= now:
            # Late, and not expired yet by the periodic task: expired here, then made anew.
            _expire(event, existing)
            existing, seat_left = None, _seat_left(event, mode)
        if existing and not existing.is_cancelled:
            # Queued whatever the mode asked for: the person learns what they already have.
            emails.queue_email("already_registered", existing)
            logger.info("registration %s to event %s: submitted again", existing.pk, event.pk)
            return RegistrationResult(existing, created=False)
        registration = existing or Registration(event=event)
        registration.mode = mode
        registration.first_name = first_name.strip()
        registration.last_name = last_name.strip()
        registration.email = email
        registration.phone = phone.strip()
        registration.situation = situation
        registration.consent_contact = consent_contact
        registration.network = network
        registration.reminder_sent_at = None
        registration.created_at = now
        registration.status = Registration.Status.PENDING
        registration.confirm_by = now + datetime.timedelta(
            minutes=settings.REGISTRATION_CONFIRM_MINUTES
        )
        registration.seat_held = seat_left
        if seat_left:
            _take_seat(event, mode)
        _save_once_per_email(registration)
        registration.event = event
        logger.info(
            "registration %s to event %s: pending (%s, seat %s)",
            registration.pk,
            event.pk,
            registration.mode,
            "held" if seat_left else "not held",
        )
        # Queued in this transaction: committed with the held seat, or not at all.
        emails.queue_email("confirm", registration)
    return RegistrationResult(registration, created=True)


def registration_confirm(*, token: str) -> ConfirmationResult:
    """Confirm the e-mail address of a pending registration (the link of its e-mail).

    On time: the held seat is confirmed; without one, a seat freed since is taken, else the
    person joins the end of the waitlist (RegistrationError if it is full: the registration is
    then deleted). The e-mail of the outcome is queued. Confirming twice changes nothing.
    Raises ConfirmationExpired when the deadline has passed (the registration is deleted if the
    periodic task has not done it yet) and RegistrationError for a forged link, a registration
    gone, cancelled, or an event no longer open.
    """
    pk, event_id, deadline = _confirm_token_data(token)
    now = timezone.now()
    if deadline <= now:
        # The click itself expires it if the periodic task has not yet: the seat is free now.
        _expire_if_due(pk=pk, event_id=event_id, now=now)
    registration = registration_from_confirm_token(token)
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        current = Registration.objects.select_for_update().filter(pk=registration.pk).first()
        if current is None:
            raise RegistrationError("Cette inscription n'existe plus.")
        current.event = event
        if current.is_cancelled:
            raise RegistrationError("Cette inscription a été annulée.")
        if not current.is_pending:
            return ConfirmationResult(current, confirmed_now=False)
        if current.confirm_by <= timezone.now():
            promoted = _expire(event, current)
            _queue_promoted(event, promoted)
            # Raised after the commit: the expiry stands, and the person is told.
            expired = ConfirmationExpired(event.pk)
        elif not event.registration_open:
            promoted = _expire(event, current)
            _queue_promoted(event, promoted)
            expired = RegistrationError(event.registration_closed_reason())
        else:
            expired = None
            held_since_submission = current.seat_held
            if not current.seat_held:
                if _seat_left(event, current.mode):
                    _take_seat(event, current.mode)
                    current.seat_held = True
                else:
                    try:
                        _check_waitlist_room(event, current.mode)
                    except RegistrationError as full:
                        # No seat and no waitlist place: nothing left to hold for this person.
                        current.delete()
                        expired = full
        if expired is None:
            if not held_since_submission:
                # Its place was decided now: the waitlist is served in the order of confirmed
                # addresses. (One holding a seat keeps the time it took it.)
                current.created_at = timezone.now()
            current.status = (
                Registration.Status.CONFIRMED
                if current.seat_held
                else Registration.Status.WAITLISTED
            )
            current.seat_held = False
            current.confirm_by = None
            current.save(update_fields=["status", "seat_held", "confirm_by", "created_at"])
            logger.info(
                "registration %s to event %s: address confirmed, %s",
                current.pk,
                event.pk,
                current.status,
            )
            emails.queue_email("confirmed" if current.is_confirmed else "waitlisted", current)
    if expired is not None:
        raise expired
    return ConfirmationResult(current, confirmed_now=True)


def _expire(event: Event, registration: Registration) -> list[Registration]:
    """Delete a pending registration, freeing its held seat for the waitlist; returns the
    people promoted, whose e-mails the caller queues. Locks on the event and the row held."""
    registration.delete()
    if not registration.seat_held:
        return []
    _take_seat(event, registration.mode, -1)
    if not event.is_published:
        return []
    return _promote_waitlisted(event, registration.mode)


def _queue_promoted(event: Event, promoted: list[Registration]) -> None:
    for person in promoted:
        person.event = event
        emails.queue_email("promoted", person)


def registrations_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the pending registrations whose confirmation deadline has passed, each in its own
    transaction under its event's lock; freed seats go to the waitlists. Returns how many.

    Idempotent: a registration confirmed or expired meanwhile (by a click, by another worker)
    is skipped when its row is read again under the lock.
    """
    now = now or timezone.now()
    due = list(
        Registration.objects.filter(status=Registration.Status.PENDING, confirm_by__lte=now)
        .order_by("confirm_by", "id")
        .values_list("pk", "event_id")
    )
    return sum(_expire_if_due(pk=pk, event_id=event_id, now=now) for pk, event_id in due)


def _expire_if_due(*, pk: int, event_id: int, now: datetime.datetime) -> bool:
    """Expire one registration if it is still pending past its deadline, in a transaction of
    its own under its event's lock (the row read again there); whether it was."""
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(pk=event_id).first()
        current = (
            Registration.objects.select_for_update()
            .filter(pk=pk, event_id=event_id, status=Registration.Status.PENDING)
            .filter(confirm_by__lte=now)
            .first()
            if event is not None
            else None
        )
        if current is None:
            return False
        promoted = _expire(event, current)
        _queue_promoted(event, promoted)
    logger.info(
        "registration %s to event %s expired unconfirmed, %d promoted",
        pk,
        event_id,
        len(promoted),
    )
    return True


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
        _take_seat(event, mode)
        promoted.append(registration)
    return promoted


def registration_cancel(*, registration: Registration, notify: bool = False) -> list[Registration]:
    """Cancel a registration; a freed seat goes to the first waitlisted person of the same mode.

    Idempotent: cancelling a cancelled registration changes nothing. Returns the promoted
    registrations, whose e-mails are queued in the same transaction. `notify` (staff cancelling
    for the person) also queues the cancellation e-mail to the person, unless their address was
    never confirmed: the double opt-in sends nothing more to an address nobody vouched for.
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
        had_seat = current.is_confirmed or current.seat_held
        was_pending = current.is_pending
        current.status = Registration.Status.CANCELLED
        current.seat_held = False
        current.confirm_by = None
        current.save(update_fields=["status", "seat_held", "confirm_by", "updated_at"])
        registration.status = current.status
        promoted = []
        if had_seat:
            _take_seat(event, current.mode, -1)
            if event.is_published:
                promoted = _promote_waitlisted(event, current.mode)
        logger.info(
            "registration %s to event %s cancelled, %d promoted",
            current.pk,
            event.pk,
            len(promoted),
        )
        _queue_promoted(event, promoted)
        if notify and not was_pending:
            current.event = event
            emails.queue_email("cancelled", current)
    return promoted


def registration_reinstate(*, registration: Registration) -> Registration:
    """Staff put a cancelled registration back: onto a free seat of its mode, else at the end
    of that mode's waitlist (RegistrationError when the waitlist is full too, when the event no
    longer takes registrations or no longer offers that mode). The person is e-mailed.

    A free seat goes to the waitlist first: a reinstated person never passes the people
    waiting (the waitlist is empty whenever a seat is free, but for a draft event).
    """
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if not current.is_cancelled:
            raise RegistrationError("Cette inscription n'est pas annulée.")
        if current.anonymised_at:
            raise RegistrationError("Cette inscription a été anonymisée.")
        if not event.registration_open:
            raise RegistrationError(event.registration_closed_reason())
        if current.mode not in registration_modes(event):
            raise RegistrationError(MODE_NOT_OFFERED.format(mode=current.get_mode_display()))
        waiting = Registration.objects.waitlisted().filter(event=event, mode=current.mode)
        if _seat_left(event, current.mode) and not waiting.exists():
            _take_seat(event, current.mode)
            current.status = Registration.Status.CONFIRMED
        else:
            _check_waitlist_room(event, current.mode)
            current.status = Registration.Status.WAITLISTED
            # The end of the queue, which is ordered by this date.
            current.created_at = timezone.now()
        current.reminder_sent_at = None
        current.save(update_fields=["status", "created_at", "reminder_sent_at", "updated_at"])
        current.event = event
        registration.status = current.status
        logger.info(
            "registration %s to event %s reinstated, %s", current.pk, event.pk, current.status
        )
        emails.queue_email("reinstated", current)
    return current


def registration_move(*, registration: Registration, mode: str) -> list[Registration]:
    """Staff move a registration of a hybrid event to its other mode (on site ⇄ online), onto
    a free seat there: a confirmed person's seat is freed for the first waitlisted of the mode
    they leave, a waitlisted one is confirmed in the new mode. The person is e-mailed; returns
    the people promoted (e-mailed too). RegistrationError when the rules refuse it.
    """
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        reason = registration_move_refusal(event, current, mode)
        if reason:
            raise RegistrationError(reason)
        old_mode, had_seat = current.mode, current.is_confirmed
        _take_seat(event, mode)
        if had_seat:
            _take_seat(event, old_mode, -1)
        current.mode = mode
        current.status = Registration.Status.CONFIRMED
        current.reminder_sent_at = None
        current.save(update_fields=["mode", "status", "reminder_sent_at", "updated_at"])
        current.event = event
        registration.mode, registration.status = current.mode, current.status
        promoted = _promote_waitlisted(event, old_mode) if had_seat and event.is_published else []
        logger.info(
            "registration %s to event %s moved to %s, %d promoted",
            current.pk,
            event.pk,
            mode,
            len(promoted),
        )
        emails.queue_email("mode_changed", current)
        _queue_promoted(event, promoted)
    return promoted


def registration_move_refusal(event: Event, registration: Registration, mode: str) -> str:
    """Why `registration` cannot move to `mode` now ("" when it can), from the event's counters
    as read: under the lock in registration_move, or to decide which actions staff are offered.
    """
    if event.modalite != Event.Modalite.HYBRIDE:
        return "Seul un événement sur place et en ligne permet de changer de participation."
    if mode not in COUNTER or mode == registration.mode:
        return "Choisissez l'autre participation que celle de l'inscription."
    if event.is_cancelled:
        return "Cet événement est annulé."
    if not (registration.is_confirmed or registration.is_waitlisted):
        return "Seule une inscription confirmée ou en liste d'attente change de participation."
    if event.start <= timezone.now():
        return "Cet événement a déjà commencé ou est terminé : la participation ne change plus."
    if not _seat_left(event, mode):
        return f"Plus de place {Registration.Mode(mode).label.lower()}."
    return ""


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
        _queue_promoted(event, promoted)
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
        network="",
        anonymised_at=timezone.now(),
    )
