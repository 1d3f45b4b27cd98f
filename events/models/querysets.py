"""The querysets of events and registrations: one meaning each, named after it.

Callers filter on statuses through these methods only (no status value outside the models).
"""

import datetime

from django.db import models
from django.db.models import Case, F, Q, When
from django.utils import timezone

from events.models.rules import MAX_DURATION

AT_RISK_DAYS = 7  # an event « à surveiller » starts within this many days…
AT_RISK_FILL = 30  # … with less than this share (%) of its seats taken


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

    def with_seat_limit(self):
        """Events whose every mode limits its seats (a capacity above 0), annotated with
        `capacity` (the seats offered) and `taken` (the seats taken or held): those a fill rate
        means something for. A mode without a limit cannot be filled."""
        modalite = self.model.Modalite
        onsite, online = F("capacity_onsite"), F("capacity_online")
        return self.filter(
            Q(capacity_onsite__gt=0, modalite=modalite.PRESENTIEL)
            | Q(capacity_online__gt=0, modalite=modalite.DISTANCIEL)
            | Q(capacity_onsite__gt=0, capacity_online__gt=0, modalite=modalite.HYBRIDE)
        ).annotate(
            capacity=Case(
                When(modalite=modalite.PRESENTIEL, then=onsite),
                When(modalite=modalite.DISTANCIEL, then=online),
                default=onsite + online,
            ),
            taken=F("confirmed_onsite") + F("confirmed_online"),
        )

    def at_risk(self, now=None):
        """Events « à surveiller »: published, starting within the next AT_RISK_DAYS days, with
        less than AT_RISK_FILL % of their seats taken. Events without a seat limit are never
        at risk of being empty in that sense, and started ones are too late to promote."""
        now = now or timezone.now()
        return (
            self.published()
            .filter(start__gte=now, start__lte=now + datetime.timedelta(days=AT_RISK_DAYS))
            .with_seat_limit()
            # In whole numbers: taken / capacity < 30 % is taken × 100 < capacity × 30.
            .alias(taken_100=F("taken") * 100)
            .filter(taken_100__lt=F("capacity") * AT_RISK_FILL)
        )

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
