"""E-mails to registered people, in French, plain text and HTML, with the event's .ics.

Nothing is sent from a web request: `queue_email` adds a job to the task queue (procrastinate,
in PostgreSQL) in the transaction of the write that causes it, so that a registration that
commits always has its e-mail queued and one that rolls back never does. The worker
(`manage.py procrastinate worker`) then runs `deliver`: a mail server that is down or slow only
delays the e-mail, retried with back-off for about a day and a half; an address the server
refuses for good is recorded on the registration, for staff to see, and not retried.

The job's arguments are ids, never an address or a name: they are written to the queue's table
and to the worker's logs. Staff's message to an event's registrants is one job per person
(`queue_event_message`), its text stored once (EventMessage); each person's copy is marked sent
in the transaction that sends it, so that a job run again never sends it twice.
"""

import logging
from typing import NoReturn

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from procrastinate import JobContext
from procrastinate.contrib.django import app

from events.ical import event_ics
from events.models import (
    QUESTIONS,
    Event,
    EventMessage,
    EventMessageRecipient,
    Registration,
    StaffProfile,
)
from events.models.staff import INVITATION_VALID_HOURS, invitation_tokens
from events.qr import checkin_qr_svg, checkin_url
from semaine.mail import (
    DeliveryRetry,
    build_email,
    delivery_error,
    describe_failure,
    is_permanent,
    last_attempt,
    log_failure,
    message_id,
    require_transaction,
)

logger = logging.getLogger(__name__)

SUBJECTS = {
    "confirm": "Confirmez votre inscription : {title}",
    "already_registered": "Votre inscription : {title}",
    "confirmed": "Inscription confirmée : {title}",
    "waitlisted": "Liste d'attente : {title}",
    "promoted": "Une place s'est libérée : votre inscription à {title} est confirmée",
    "reminder": "Rappel : {title}, {date}",
    "event_cancelled": "Événement annulé : {title}, {date}",
    "followup_survey": "Merci d'être venu·e : {title}, trois questions en un clic",
    "followup_missed": "Vous n'avez pas pu venir : d'autres événements près de chez vous",
    # Staff's doing (the admin's registrant actions and messages).
    "cancelled": "Inscription annulée : {title}",
    "reinstated": "Votre inscription est rétablie : {title}",
    "mode_changed": "Votre participation change : {title}",
    "message": "{subject} – {title}",
}
# Kinds that only make sense while the person still holds a seat or a waitlist place: queued
# before they cancelled, such an e-mail is dropped rather than announcing a seat they gave up.
ACTIVE_ONLY = {
    "confirmed",
    "waitlisted",
    "promoted",
    "reminder",
    "followup_survey",
    "followup_missed",
    "already_registered",
    "reinstated",
    "mode_changed",
    "message",
}
# A cancellation by staff is not announced once the registration was put back.
CANCELLED_ONLY = {"cancelled"}
# A confirmation link is only worth sending while the registration waits for it.
PENDING_ONLY = {"confirm"}
# How many events of the same trades a person who did not come is offered.
NEXT_EVENTS = 3

QUEUE = "emails"
# E-mails that announce a seat carry the QR code to show at the door.
CHECKIN_QR_KINDS = {"confirmed", "promoted", "reminder", "reinstated", "mode_changed"}
# Staff's message to an event's registrants: one job per person, marked sent once.
EVENT_MESSAGE = "message"


def _subject(kind: str, registration: Registration, event_message: EventMessage | None) -> str:
    event = registration.event
    with translation.override("fr"):
        date = dateformat.format(event.local_start, "l j F à H\\hi")
    return SUBJECTS[kind].format(
        title=event.title, date=date, subject=event_message.subject if event_message else ""
    )


def _context(kind: str, registration: Registration, event_message: EventMessage | None) -> dict:
    event = registration.event
    with_qr = kind in CHECKIN_QR_KINDS
    context = {
        "event_message": event_message,
        "checkin_qr": checkin_qr_svg(registration) if with_qr else "",
        "checkin_url": checkin_url(registration) if with_qr else "",
        "kind": kind,
        "registration": registration,
        "event": event,
        "position": registration.waitlist_position(),
        "event_url": settings.SITE_URL + event.get_absolute_url(),
        "cancel_url": settings.SITE_URL
        + reverse("registration_cancel", kwargs={"token": registration.cancel_token()}),
        "privacy_url": settings.SITE_URL + reverse("donnees_personnelles"),
        "online": registration.mode == Registration.Mode.DISTANCIEL,
        "site_url": settings.SITE_URL,
        **_followup_context(kind, registration),
        # A pending registration is cancelled by not confirming it.
        "show_cancel": kind not in {"event_cancelled", "confirm", "cancelled"}
        and not registration.is_pending,
    }
    if registration.is_pending:
        context["confirm_url"] = settings.SITE_URL + reverse(
            "registration_confirm", kwargs={"token": registration.confirm_token()}
        )
        # The time of the event's own zone, as every time of these e-mails.
        context["confirm_by"] = dateformat.format(
            timezone.localtime(registration.confirm_by, event.tzinfo), "H\\hi"
        )
        context["confirm_minutes"] = settings.REGISTRATION_CONFIRM_MINUTES
    return context


def _followup_context(kind: str, registration: Registration) -> dict:
    """The one-click answers of the survey, or the next events offered to a no-show."""
    if kind == "followup_survey":
        questions = [
            (
                question,
                [
                    (
                        label,
                        settings.SITE_URL
                        + reverse(
                            "survey_answer",
                            kwargs={"token": registration.survey_token(key, answer)},
                        ),
                    )
                    for answer, label in answers.items()
                ],
            )
            for key, (question, answers) in QUESTIONS.items()
        ]
        return {"questions": questions}
    if kind == "followup_missed":
        events = Event.objects.next_of_same_trades(registration.event).select_related("organiser")[
            :NEXT_EVENTS
        ]
        return {
            "next_events": [
                (event, settings.SITE_URL + event.get_absolute_url()) for event in events
            ],
            "events_url": settings.SITE_URL + reverse("events:list"),
        }
    return {}


def build_message(
    kind: str,
    registration: Registration,
    *,
    msgid: str = "",
    event_message: EventMessage | None = None,
) -> EmailMultiAlternatives:
    with translation.override("fr"):
        context = _context(kind, registration, event_message)
    message = build_email(
        f"emails/registration_{kind}",
        context,
        subject=_subject(kind, registration, event_message),
        to=registration.email,
        msgid=msgid,
    )
    # Only people with a seat get the calendar entry: a waitlist is not an appointment.
    if registration.is_confirmed:
        message.attach(
            f"evenement-{registration.event.pk}.ics",
            event_ics(registration.event, private=True),
            "text/calendar",
        )
    if context["checkin_qr"]:
        # Many mail clients drop inline SVG: the code is attached as well.
        message.attach("code-accueil.svg", str(context["checkin_qr"]), "image/svg+xml")
    return message


# -- the queue ----------------------------------------------------------------------------------


def _record_failure(registration_id: int, reason: str) -> None:
    Registration.objects.filter(pk=registration_id).update(
        email_failed_at=timezone.now(), email_failure=reason[:200]
    )


def _registration_to_write(kind: str, registration_id: int) -> Registration | None:
    """The registration an e-mail of `kind` is for, None when it is no longer due."""
    registration = (
        Registration.objects.select_related("event", "event__department", "event__organiser")
        .filter(pk=registration_id, anonymised_at__isnull=True)
        .first()
    )
    if (
        registration is None
        or (kind in ACTIVE_ONLY and registration.is_cancelled)
        or (kind in CANCELLED_ONLY and not registration.is_cancelled)
        or (kind in PENDING_ONLY and not registration.is_pending)
    ):
        logger.info("%s e-mail of registration %s dropped: no longer due", kind, registration_id)
        return None
    return registration


def _failed(kind: str, registration_id: int, attempts: int, exc: Exception) -> NoReturn:
    """Log and record a message the mail server did not take; raises what the queue retries
    (or not, for a refusal for good)."""
    log_failure(logger, f"{kind} e-mail of registration {registration_id}", attempts, exc)
    if is_permanent(exc) or last_attempt(attempts):
        _record_failure(registration_id, describe_failure(exc))
    raise delivery_error(exc) from None


def send_queued(
    *,
    kind: str,
    registration_id: int,
    job_id: int,
    attempts: int = 0,
    event_message_id: int | None = None,
) -> bool:
    """Send one queued e-mail (what the worker runs). Returns False when there is nothing to
    send any more (registration deleted or anonymised, or cancelled since; a message already
    sent); raises on failure, after recording a refusal for good (or the last attempt) on the
    registration."""
    if kind == EVENT_MESSAGE:
        return _send_event_message(registration_id, event_message_id, job_id, attempts)
    registration = _registration_to_write(kind, registration_id)
    if registration is None:
        return False
    message = build_message(kind, registration, msgid=message_id(kind, registration_id, job_id))
    try:
        message.send()
    except Exception as exc:
        _failed(kind, registration_id, attempts, exc)
    logger.info("%s e-mail of registration %s sent", kind, registration_id)
    return True


def _send_event_message(
    registration_id: int, event_message_id: int | None, job_id: int, attempts: int
) -> bool:
    """Send staff's message to one person, at most once: their copy's row is locked while the
    mail server takes it and marked sent in the same transaction, so that the job run again
    (a retry after an unclear failure, a worker taken for dead) finds it sent and stops."""
    failure = None
    with transaction.atomic():
        copy = (
            # Only the copy's row: the message's own row would queue every other copy of
            # it behind this one's mail server round trip.
            EventMessageRecipient.objects.select_for_update(of=("self",))
            .select_related("message")
            .filter(message_id=event_message_id, registration_id=registration_id)
            .first()
        )
        if copy is None or copy.sent_at is not None:
            logger.info(
                "message %s to registration %s: already sent", event_message_id, registration_id
            )
            return False
        registration = _registration_to_write(EVENT_MESSAGE, registration_id)
        if registration is None:
            return False
        message = build_message(
            EVENT_MESSAGE,
            registration,
            msgid=message_id(EVENT_MESSAGE, registration_id, job_id),
            event_message=copy.message,
        )
        try:
            message.send()
        except Exception as exc:
            failure = exc
        else:
            copy.sent_at = timezone.now()
            copy.save(update_fields=["sent_at"])
    if failure is not None:
        # Out of the transaction: the failure is recorded for staff even though nothing else
        # of this attempt is kept.
        _failed(EVENT_MESSAGE, registration_id, attempts, failure)
    logger.info("message %s to registration %s sent", event_message_id, registration_id)
    return True


@app.task(queue=QUEUE, retry=DeliveryRetry(), pass_context=True)
def deliver(
    context: JobContext, *, kind: str, registration_id: int, event_message_id: int | None = None
) -> bool:
    job = context.job
    return send_queued(
        kind=kind,
        registration_id=registration_id,
        job_id=job.id,
        attempts=job.attempts,
        event_message_id=event_message_id,
    )


def _lock(registration_id: int) -> str:
    # One registration's e-mails go out one at a time, in the order they were queued: the
    # waitlist e-mail before the promotion, even when the first one waits for a retry.
    return f"registration-{registration_id}"


def queue_email(kind: str, registration: Registration) -> int:
    """Queue `kind` for `registration` in the current transaction (which must be the one that
    made the change it announces); returns the job's id."""
    assert kind in SUBJECTS, kind
    require_transaction("queue_email()")
    return deliver.configure(lock=_lock(registration.pk)).defer(
        kind=kind, registration_id=registration.pk
    )


def queue_emails(kind: str, registration_ids: list[int]) -> None:
    """Queue `kind` for many registrations at once (an event cancelled), in one statement of
    the current transaction."""
    assert kind in SUBJECTS, kind
    if not registration_ids:
        return
    require_transaction("queue_emails()")
    jobs = [
        deliver.configure(lock=_lock(pk)).make_new_job(kind=kind, registration_id=pk)
        for pk in registration_ids
    ]
    app.job_manager.batch_defer_jobs(jobs)


def queue_event_message(event_message: EventMessage, registration_ids: list[int]) -> None:
    """Queue staff's message for each registration, with its copy's row (what makes it sent
    once), in the current transaction: the message is recorded with all its e-mails queued,
    or not at all."""
    require_transaction("queue_event_message()")
    EventMessageRecipient.objects.bulk_create(
        EventMessageRecipient(message=event_message, registration_id=pk) for pk in registration_ids
    )
    jobs = [
        deliver.configure(lock=_lock(pk)).make_new_job(
            kind=EVENT_MESSAGE, registration_id=pk, event_message_id=event_message.pk
        )
        for pk in registration_ids
    ]
    if jobs:
        app.job_manager.batch_defer_jobs(jobs)


# -- a new staff member's invitation --------------------------------------------------------------

INVITATION_SUBJECT = "Votre compte d'administration de la Semaine des métiers du soin"


def build_invitation(user, invited_by, *, msgid: str = "") -> EmailMultiAlternatives:
    """The invitation of `user` (set up by `invited_by`), with a link to choose their password
    made now: it is valid INVITATION_VALID_HOURS from the moment it is sent."""
    profile = StaffProfile.objects.filter(user=user).select_related("organiser", "region").first()
    perimeter = ""
    if profile is not None:
        perimeter = profile.organiser.name if profile.organiser else ""
        perimeter = perimeter or (f"région {profile.region.name}" if profile.region else "")
    link = settings.SITE_URL + reverse(
        "staff_invitation",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_tokens.make_token(user),
        },
    )
    context = {
        "subject": INVITATION_SUBJECT,
        "user": user,
        "invited_by": invited_by.get_full_name() or invited_by.get_username()
        if invited_by
        else "L'équipe nationale",
        "role": ", ".join(user.groups.values_list("name", flat=True)),
        "perimeter": perimeter,
        "link": link,
        "hours": INVITATION_VALID_HOURS,
        "login_url": settings.SITE_URL + reverse("admin:login"),
    }
    return build_email(
        "emails/staff_invitation", context, subject=INVITATION_SUBJECT, to=user.email, msgid=msgid
    )


def send_invitation(*, user_id: int, invited_by_id: int | None, job_id: int, attempts: int = 0):
    """Send one queued invitation (what the worker runs). Returns False when it is no longer
    due: the account is gone or disabled, or its password already chosen."""
    User = get_user_model()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.has_usable_password():
        logger.info("invitation of user %s dropped: no longer due", user_id)
        return False
    invited_by = User.objects.filter(pk=invited_by_id).first() if invited_by_id else None
    message = build_invitation(user, invited_by, msgid=message_id("invitation", user_id, job_id))
    try:
        message.send()
    except Exception as exc:
        log_failure(logger, f"invitation of user {user_id}", attempts, exc)
        raise delivery_error(exc) from None
    logger.info("invitation of user %s sent", user_id)
    return True


@app.task(queue=QUEUE, retry=DeliveryRetry(), pass_context=True)
def deliver_invitation(context: JobContext, *, user_id: int, invited_by_id: int | None) -> bool:
    job = context.job
    return send_invitation(
        user_id=user_id, invited_by_id=invited_by_id, job_id=job.id, attempts=job.attempts
    )


def queue_invitation(user, invited_by) -> int:
    """Queue `user`'s invitation in the current transaction (the one that creates the account);
    returns the job's id."""
    require_transaction("queue_invitation()")
    return deliver_invitation.defer(
        user_id=user.pk, invited_by_id=invited_by.pk if invited_by else None
    )
