"""E-mails to registered people, in French, plain text and HTML, with the event's .ics."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, translation

from events.ical import event_ics
from events.models import Registration

logger = logging.getLogger(__name__)

SUBJECTS = {
    "confirmed": "Inscription confirmée : {title}",
    "waitlisted": "Liste d'attente : {title}",
    "promoted": "Une place s'est libérée : votre inscription à {title} est confirmée",
    "reminder": "Rappel : {title}, {date}",
    "event_cancelled": "Événement annulé : {title}, {date}",
}


def _subject(kind: str, registration: Registration) -> str:
    event = registration.event
    with translation.override("fr"):
        date = dateformat.format(event.local_start, "l j F à H\\hi")
    subject = SUBJECTS[kind].format(title=event.title, date=date)
    # A line break in a header would be refused (and is an injection attempt anyway).
    return " ".join(subject.split())


def _context(kind: str, registration: Registration) -> dict:
    from events.services.registration import registration_token, registration_waitlist_position

    event = registration.event
    return {
        "kind": kind,
        "registration": registration,
        "event": event,
        "position": registration_waitlist_position(registration),
        "event_url": settings.SITE_URL + event.get_absolute_url(),
        "cancel_url": settings.SITE_URL
        + reverse("registration_cancel", kwargs={"token": registration_token(registration)}),
        "privacy_url": settings.SITE_URL + reverse("donnees_personnelles"),
        "online": registration.mode == Registration.Mode.DISTANCIEL,
        "site_url": settings.SITE_URL,
    }


def build_message(kind: str, registration: Registration) -> EmailMultiAlternatives:
    with translation.override("fr"):
        context = _context(kind, registration)
        text = render_to_string(f"emails/registration_{kind}.txt", context)
        html = render_to_string(f"emails/registration_{kind}.html", context)
    message = EmailMultiAlternatives(
        subject=_subject(kind, registration),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[registration.email],
    )
    message.attach_alternative(html, "text/html")
    # Only people with a seat get the calendar entry: a waitlist is not an appointment.
    if registration.is_confirmed:
        message.attach(
            f"evenement-{registration.event.pk}.ics",
            event_ics(registration.event, private=True),
            "text/calendar",
        )
    return message


def _send(kind: str, registration: Registration, *, fail_silently: bool) -> bool:
    try:
        build_message(kind, registration).send()
    except Exception as exc:
        # The class name only: SMTP errors quote the recipient's address, which stays out of logs.
        logger.error(
            "%s e-mail of registration %s not sent: %s", kind, registration.pk, type(exc).__name__
        )
        if not fail_silently:
            raise
        return False
    return True


def send_registration_received(registration: Registration) -> bool:
    """Confirmation or waitlist e-mail right after registering; a failure never loses the
    registration (it is committed already) and is logged."""
    kind = "confirmed" if registration.is_confirmed else "waitlisted"
    return _send(kind, registration, fail_silently=True)


def send_registration_promoted(registration: Registration) -> bool:
    return _send("promoted", registration, fail_silently=True)


def send_registration_reminder(registration: Registration) -> bool:
    # Raises, so that the reminder command releases its claim and retries on its next run.
    return _send("reminder", registration, fail_silently=False)


def send_event_cancelled(registration: Registration) -> bool:
    """Tells a registered person that the organiser cancelled the event; the attached .ics
    (STATUS:CANCELLED, same UID) takes it out of their calendar."""
    return _send("event_cancelled", registration, fail_silently=True)
