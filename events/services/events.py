"""Staff writes on events: publish, unpublish, cancel (the admin's actions), duplicate on
other days (a page of the event and an action)."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from events import emails
from events.models import Event, Registration
from semaine.models import Edition


def _set_status(events: QuerySet, *, status: str, user) -> list[int]:
    with transaction.atomic():
        ids = list(events.select_for_update().values_list("pk", flat=True))
        # update() skips auto_now: said here, so that feeds and the sitemap see the change.
        Event.objects.filter(pk__in=ids).update(
            status=status, updated_by=user, updated_at=timezone.now()
        )
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


# Fields a copy does not take from its original: its identity, what registrations and the
# import wrote on it, its dates (given), its status (a draft) and its audit trail.
NOT_COPIED = {
    "id", "slug", "status", "start", "end", "edition", "confirmed_onsite", "confirmed_online",
    "external_source", "external_id", "created_at", "updated_at", "created_by", "updated_by",
    "search_vector",
}  # fmt: skip
# Copies made in one go at most (events × days): a week of a few events, not a year's worth.
MAX_COPIES = 100


def copy_dates(event: Event, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The start and end of a copy of `event` on `day`: the same times of day in the event's own
    time zone (09:30 in Guadeloupe stays 09:30 there, across a change to summer time in Paris),
    and an event over several days keeps its length in days."""
    tz = event.tzinfo
    start, end = event.local_start, event.local_end
    return (
        datetime.datetime.combine(day, start.time(), tzinfo=tz),
        datetime.datetime.combine(day + (end.date() - start.date()), end.time(), tzinfo=tz),
    )


def duplicate_refusal(event: Event, day: datetime.date) -> str:
    """Why `event` cannot be copied on `day`, in French; "" when it can."""
    if day < timezone.localdate(timezone=event.tzinfo):
        return f"le {date_format(day, 'j F Y')} est passé"
    if day == event.local_start.date():
        return f"« {event.title} » a déjà lieu le {date_format(day, 'l j F Y')}"
    return ""


def event_duplicate(*, event: Event, user, days: Iterable[datetime.date]) -> list[Event]:
    """Draft copies of `event`, one on each of `days`, at its times of day, with its title,
    place, trades and seats, without its registrations, seat counters or external reference
    (a re-import would otherwise update a copy). Callers check duplicate_refusal() first."""
    values = {
        field.attname: getattr(event, field.attname)
        for field in Event._meta.concrete_fields
        if field.name not in NOT_COPIED
    }
    trade_ids = list(event.trades.values_list("pk", flat=True))
    current = Edition.objects.current_cached()
    copies = []
    with transaction.atomic():
        for day in sorted(set(days)):
            start, end = copy_dates(event, day)
            edition = Edition.objects.covering(day) or current or event.edition
            copy = Event(
                **values,
                start=start,
                end=end,
                edition=edition,
                status=Event.Status.DRAFT,
                created_by=user,
                updated_by=user,
            )
            copy.save()
            copy.trades.set(trade_ids)
            copies.append(copy)
    return copies


def events_with_registration_counts(events: QuerySet) -> QuerySet:
    return events.annotate(
        registrations_active=Count(
            "registrations", filter=Q(registrations__status__in=Registration.ACTIVE_STATUSES)
        )
    )
