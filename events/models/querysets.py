"""The querysets of events and registrations: one meaning each, named after it.

Callers filter on statuses through these methods only (no status value outside the models).
"""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from events.models.rules import MAX_DURATION


class EventQuerySet(models.QuerySet):
    def published(self):
        """Published events only: neither drafts nor cancelled ones."""
        return self.filter(status=self.model.Status.PUBLISHED)

    def public(self):
        """What a visitor may see: published events, and cancelled ones (shown as cancelled)."""
        return self.filter(status__in=self.model.PUBLIC_STATUSES)

    def drafts(self):
        """Events not published yet."""
        return self.filter(status=self.model.Status.DRAFT)

    def not_cancelled(self):
        """Drafts and published events: those still meant to take place."""
        return self.exclude(status=self.model.Status.CANCELLED)

    def upcoming(self, now=None):
        """Not finished yet: an event in progress is still worth showing.

        The bound on `start` is implied by the maximum duration; it lets the listing walk the
        (start, id) index from today instead of from the first archived edition.
        """
        now = now or timezone.now()
        return self.filter(end__gte=now, start__gte=now - MAX_DURATION)

    def past(self, now=None):
        """Finished events."""
        return self.filter(end__lt=now or timezone.now())

    def in_region(self, code):
        """Events of the region `code` (its INSEE code)."""
        return self.filter(region_id=code)

    def with_seats_left(self):
        """Events not cancelled where one may still get a seat, on site or online."""
        onsite_left = Q(
            modalite__in=self.model.ONSITE_MODES, capacity_onsite__gt=F("confirmed_onsite")
        )
        online_left = Q(
            modalite__in=self.model.ONLINE_MODES, capacity_online__gt=F("confirmed_online")
        )
        return self.filter(self.model.NO_SEAT_LIMIT | onsite_left | online_left).not_cancelled()

    def next_of_same_trades(self, event, *, now=None, radius_km: float = 50):
        """Published events to come sharing a trade with `event`, nearest to it first (within
        `radius_km` when it has coordinates, else in its department): what a no-show is offered.
        """
        from semaine.geo.distance import within_radius

        queryset = (
            self.published()
            .upcoming(now)
            .filter(trades__in=event.trades.all())
            .exclude(pk=event.pk)
            .distinct()
        )
        if event.latitude is not None and event.longitude is not None:
            return within_radius(queryset, event.latitude, event.longitude, radius_km).order_by(
                "distance_km", "start", "id"
            )
        return queryset.filter(department_id=event.department_id).order_by("start", "id")

    def for_listing(self):
        """With the related rows a listing shows (department, region, organiser) joined."""
        return self.select_related("department", "region", "organiser")


class RegistrationQuerySet(models.QuerySet):
    def confirmed(self):
        """Registrations with a seat."""
        return self.filter(status=self.model.Status.CONFIRMED)

    def waitlisted(self):
        """Registrations waiting for a seat (their order is `created_at`, then `id`)."""
        return self.filter(status=self.model.Status.WAITLISTED)

    def active(self):
        """Registrations not cancelled: confirmed or waitlisted, the people to warn of a change."""
        return self.filter(status__in=self.model.ACTIVE_STATUSES)

    def to_published_events(self):
        """Registrations whose event is published (neither a draft nor cancelled)."""
        event = self.model._meta.get_field("event").related_model
        return self.filter(event__status=event.Status.PUBLISHED)

    def present(self):
        """Registrations whose person was recorded present at the event."""
        return self.filter(attendance=self.model.Attendance.PRESENT)

    def absent(self):
        """Registrations whose person was recorded absent (a no-show)."""
        return self.filter(attendance=self.model.Attendance.ABSENT)

    def attendance_unrecorded(self):
        """Registrations whose attendance nobody recorded yet."""
        return self.filter(attendance=self.model.Attendance.UNRECORDED)
