"""Staff writes on events: publish, unpublish, cancel, duplicate (the admin's actions)."""

from django.db import transaction
from django.db.models import Count, Q, QuerySet

from events import emails
from events.models import Event, Registration


def _set_status(events: QuerySet, *, status: str, user) -> list[int]:
    with transaction.atomic():
        ids = list(events.select_for_update().values_list("pk", flat=True))
        Event.objects.filter(pk__in=ids).update(status=status, updated_by=user)
    return ids


def event_publish(*, events: QuerySet, user) -> list[int]:
    """Publish drafts (a cancelled event stays cancelled); returns the ids published."""
    return _set_status(events.drafts(), status=Event.Status.PUBLISHED, user=user)


def event_unpublish(*, events: QuerySet, user) -> list[int]:
    """Back to draft: the event leaves the public site; its registrations are kept."""
    return _set_status(events.published(), status=Event.Status.DRAFT, user=user)


def event_cancel(*, events: QuerySet, user) -> tuple[list[int], int]:
    """Cancel events, keeping their registrations; returns (ids cancelled, registrations kept).

    The public page then shows the event as cancelled and refuses new registrations; the people
    already registered stay listed and are e-mailed.
    """
    with transaction.atomic():
        ids = _set_status(events.not_cancelled(), status=Event.Status.CANCELLED, user=user)
        to_warn = list(
            Registration.objects.active().filter(event_id__in=ids).values_list("pk", flat=True)
        )
        # Queued in the cancellation's transaction: an e-mail never announces a rollback, and
        # a committed cancellation always has its e-mails on their way.
        emails.queue_emails("event_cancelled", to_warn)
    return ids, len(to_warn)


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
            "registrations", filter=Q(registrations__status__in=Registration.ACTIVE_STATUSES)
        )
    )
