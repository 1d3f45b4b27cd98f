"""Links between offers and events: what an offer page and an event page show of each other.

Offers may use events (never the reverse, see DESIGN.md): both directions live here.
"""

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone

from events.models import Event
from offers.models import Offer

RELATED_LIMIT = 6


def offer_related_events(*, offer: Offer, limit: int = RELATED_LIMIT, now=None) -> list[Event]:
    """Upcoming events where the offer's employers and trainers can be met.

    Events that name the offer come first, then events of its trade in its department, then
    in its region; soonest first within each group. Cancelled events are left out.
    """
    named = Exists(Offer.events.through.objects.filter(event_id=OuterRef("pk"), offer_id=offer.pk))
    nearby = Q(pk__in=[])
    if offer.trade_id and offer.region_id:
        same_trade = Exists(
            Event.trades.through.objects.filter(event_id=OuterRef("pk"), trade_id=offer.trade_id)
        )
        nearby = same_trade & Q(region_id=offer.region_id)
    return list(
        Event.objects.filter(status=Event.Status.PUBLISHED)
        .upcoming(now or timezone.now())
        .filter(named | nearby)
        .annotate(
            rank=Case(
                When(named, then=Value(0)),
                When(department_id=offer.department_id, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .for_listing()
        .order_by("rank", "start", "id")[:limit]
    )


def event_related_offers(*, event: Event, limit: int = RELATED_LIMIT) -> list[Offer]:
    """Open offers to show on an event page.

    The offers the event names come first (France Travail events carry `offresId`), then the
    most recent offers of the event's trades in its department, then in its region. An online
    event has no place: its trades' offers are then taken from anywhere.
    """
    named = Exists(Offer.events.through.objects.filter(offer_id=OuterRef("pk"), event_id=event.pk))
    trades = Event.trades.through.objects.filter(event_id=event.pk).values("trade_id")
    of_trades = Q(trade_id__in=trades)
    if event.region_id:
        of_trades &= Q(region_id=event.region_id)
    return list(
        Offer.objects.open()
        .filter(named | of_trades)
        .annotate(
            rank=Case(
                When(named, then=Value(0)),
                When(department_id=event.department_id, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .for_listing()
        .order_by("rank", "-published_at", "-id")[:limit]
    )


def work_study_offers(*, limit: int = 4) -> tuple[dict, list[Offer]]:
    """The home page's "alternance" block: counts and the latest open work-study offers."""
    open_work_study = Offer.objects.open().work_study()
    counts = open_work_study.order_by().aggregate(
        jobs=Count("pk", filter=Q(nature=Offer.Nature.EMPLOI)),
        trainings=Count("pk", filter=Q(nature=Offer.Nature.FORMATION)),
    )
    return counts, list(open_work_study.for_listing()[:limit])
