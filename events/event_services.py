"""Staff writes on events: publish, unpublish, cancel, duplicate (the admin's actions)."""

from django.db import transaction
from django.db.models import Count, Q, QuerySet

from events.models import Event, Registration


def event_publish(*, events: QuerySet, user) -> int:
    """Publish drafts; a cancelled event stays cancelled (reopen it by editing it)."""
    return events.filter(status=Event.Status.DRAFT).update(
        status=Event.Status.PUBLISHED, updated_by=user
    )


def event_unpublish(*, events: QuerySet, user) -> int:
    """Back to draft: the event leaves the public site; its registrations are kept."""
    return events.filter(status=Event.Status.PUBLISHED).update(
        status=Event.Status.DRAFT, updated_by=user
    )


def event_cancel(*, events: QuerySet, user) -> tuple[int, int]:
    """Cancel events, keeping their registrations; returns (events cancelled, registrations kept).

    The public page then shows the event as cancelled and refuses new registrations; the people
    already registered stay listed so that the agency can warn them.
    """
    with transaction.atomic():
        to_cancel = events.exclude(status=Event.Status.CANCELLED)
        kept = Registration.objects.filter(
            event__in=to_cancel,
            status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED],
        ).count()
        count = to_cancel.update(status=Event.Status.CANCELLED, updated_by=user)
    return count, kept


def event_duplicate(*, event: Event, user) -> Event:
    """A draft copy of `event` ("Copie de …"), without its registrations or external reference."""
    trade_ids = list(event.trades.values_list("pk", flat=True))
    copy = Event.objects.get(pk=event.pk)
    copy.pk = None
    copy.id = None
    copy.title = f"Copie de {event.title}"[:200]
    copy.slug = ""
    copy.status = Event.Status.DRAFT
    copy.confirmed_onsite = 0
    copy.confirmed_online = 0
    copy.external_source = ""
    copy.external_id = ""
    copy.created_by = user
    copy.updated_by = user
    copy.search_vector = None
    with transaction.atomic():
        copy.save()
        copy.trades.set(trade_ids)
    return copy


def events_with_registration_counts(events: QuerySet) -> QuerySet:
    return events.annotate(
        registrations_active=Count(
            "registrations",
            filter=Q(
                registrations__status__in=[
                    Registration.Status.CONFIRMED,
                    Registration.Status.WAITLISTED,
                ]
            ),
        )
    )
