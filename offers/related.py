"""Links between offers and events: what an offer page and an event page show of each other.

Offers may use events (never the reverse, see DESIGN.md): both directions live here.
"""

from django.core.cache import cache
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone

from events.models import Event
from offers.models import LISTING_VERSION, Offer
from semaine.pagecache import version_key

RELATED_LIMIT = 6
# The key changes with the offers' version; the lifetime only bounds what a restore, which can
# move the versions back to numbers already used, could bring back.
WORK_STUDY_CACHE_SECONDS = 300


def offer_related_events(*, offer: Offer, limit: int = RELATED_LIMIT, now=None) -> list[Event]:
    """Upcoming events where the offer's employers and trainers can be met.

    Events that name the offer come first, then events of its trade in its department, then
    in its region; soonest first within each group. Cancelled events are left out.
    """
    upcoming = Event.objects.published().upcoming(now or timezone.now()).for_listing()
    named = list(upcoming.filter(offers=offer).order_by("start", "id")[:limit])
    if len(named) >= limit or not (offer.trade_id and offer.region_id):
        return named
    nearby = (
        upcoming.filter(trades=offer.trade_id, region_id=offer.region_id)
        .exclude(pk__in=[event.pk for event in named])
        .annotate(elsewhere=_elsewhere(offer.department_id))
        .order_by("elsewhere", "start", "id")
    )
    return named + list(nearby[: limit - len(named)])


def event_related_offers(*, event: Event, limit: int = RELATED_LIMIT) -> list[Offer]:
    """Open offers to show on an event page.

    The offers the event names come first (France Travail events carry `offresId`), then the
    most recent offers of the event's trades in its department, then in its region. An online
    event has no place: its trades' offers are then taken from anywhere.
    """
    open_offers = Offer.objects.open()
    named = Offer.events.through.objects.filter(event_id=event.pk)
    named_ids = open_offers.filter(pk__in=named.values("offer_id")).order_by("-published_at", "-id")
    nearby = open_offers.filter(
        trade_id__in=Event.trades.through.objects.filter(event_id=event.pk).values("trade_id")
    )
    if event.region_id:
        nearby = nearby.filter(region_id=event.region_id).annotate(
            elsewhere=_elsewhere(event.department_id)
        )
        nearby = nearby.order_by("elsewhere", "-published_at", "-id")
    else:
        nearby = nearby.order_by("-published_at", "-id")
    # One query (the event page counts them): the ids of both lists, each found through its
    # own index, then those few rows ranked. An OR of the two conditions would scan every
    # open offer.
    candidates = named_ids.values("pk")[:limit].union(nearby.values("pk")[:limit])
    rows = (
        Offer.objects.filter(pk__in=candidates)
        .annotate(
            rank=Case(
                When(Exists(named.filter(offer_id=OuterRef("pk"))), then=Value(0)),
                When(Q(department_id=event.department_id) & Q(department__isnull=False), then=1),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .for_listing()
        .order_by("rank", "-published_at", "-id")
    )
    return list(rows[:limit])


def _elsewhere(department_id):
    """0 for rows in `department_id`, 1 for the rest of the region: the department first."""
    return Case(
        When(department_id=department_id, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


def work_study_offers(*, limit: int = 4) -> tuple[dict, list[Offer]]:
    """The home page's "alternance" block: counts and the latest open work-study offers."""
    open_work_study = Offer.objects.open().work_study()
    # Counting a column of the `offer_facets` index (never null) keeps it an index-only
    # scan. Cached under the offers' version: the home page, which shows them, is also keyed on
    # the events' versions, and an event's change leaves these counts as they are.
    key = f"offers:work-study-counts:{version_key((LISTING_VERSION,))}"
    counts = cache.get(key)
    if counts is None:
        counts = open_work_study.order_by().aggregate(
            jobs=Count("nature", filter=Q(nature=Offer.Nature.EMPLOI)),
            trainings=Count("nature", filter=Q(nature=Offer.Nature.FORMATION)),
        )
        cache.set(key, counts, WORK_STUDY_CACHE_SECONDS)
    return counts, list(open_work_study.for_listing()[:limit])
