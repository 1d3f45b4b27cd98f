"""Staff's message to the registrants of an event: recorded, and e-mailed through the queue."""

import dataclasses
import datetime

from django.db import transaction
from django.utils import timezone

from events import emails
from events.models import Event, EventMessage, Registration

# The same message twice within this time is a double click, not a second message.
DUPLICATE_WINDOW = datetime.timedelta(minutes=10)


class MessageError(Exception):
    """A message the rules refuse; the text is shown to staff."""


@dataclasses.dataclass(frozen=True)
class Audience:
    confirmed: int
    waitlisted: int


def _recipients(event: Event, *, include_waitlist: bool):
    registrations = Registration.objects.filter(event=event, anonymised_at__isnull=True)
    if include_waitlist:
        return registrations.active()
    return registrations.confirmed()


def event_message_audience(event: Event) -> Audience:
    """How many people a message to `event` would reach: confirmed, and waitlisted."""
    registrations = Registration.objects.filter(event=event, anonymised_at__isnull=True)
    return Audience(
        confirmed=registrations.confirmed().count(),
        waitlisted=registrations.waitlisted().count(),
    )


def event_message_send(
    *, event: Event, user, subject: str, body: str, include_waitlist: bool = False
) -> EventMessage:
    """Record a message to `event`'s confirmed registrants (and its waitlisted ones with
    `include_waitlist`) and queue one e-mail per person, all in one transaction: recorded with
    every e-mail on its way, or not at all. MessageError when nobody would receive it, or when
    the same message was just sent (a double click)."""
    subject, body = " ".join(subject.split()), body.strip()
    with transaction.atomic():
        # The event's lock: a double click's two requests are served one after the other, and
        # the second sees the first's message.
        event = Event.objects.select_for_update().get(pk=event.pk)
        recent = EventMessage.objects.filter(
            event=event,
            subject=subject,
            body=body,
            created_at__gte=timezone.now() - DUPLICATE_WINDOW,
        )
        if recent.exists():
            raise MessageError(
                "Ce message vient d'être envoyé (il y a moins de 10 minutes) : il n'est pas "
                "envoyé une seconde fois."
            )
        ids = list(
            _recipients(event, include_waitlist=include_waitlist)
            .order_by("id")
            .values_list("pk", flat=True)
        )
        if not ids:
            raise MessageError(
                "Personne à prévenir : cet événement n'a aucune inscription confirmée"
                + (" ni en liste d'attente." if include_waitlist else ".")
            )
        message = EventMessage.objects.create(
            event=event,
            subject=subject,
            body=body,
            include_waitlist=include_waitlist,
            sent_by=user,
            sent_by_name=user.get_username(),
            recipients=len(ids),
        )
        emails.queue_event_message(message, ids)
    return message
