"""Key figures of the current edition, for the home page."""

from django.db.models import Count, Q, Sum
from django.utils import timezone

from events.models import Event
from semaine import cartogram
from semaine.models import Edition, Region


def home_figures() -> dict:
    edition = Edition.objects.current_cached()
    events = Event.objects.published().exclude(status=Event.Status.CANCELLED)
    if edition:
        events = events.filter(edition=edition)
    totals = events.aggregate(
        total=Count("id"),
        online=Count("id", filter=~Q(modalite=Event.Modalite.PRESENTIEL)),
        seats_onsite=Sum("capacity_onsite"),
        seats_online=Sum("capacity_online"),
    )
    by_type_rows = dict(events.values_list("type").annotate(n=Count("id")).order_by())
    by_type = [(value, label, by_type_rows.get(value, 0)) for value, label in Event.Type.choices]
    region_counts = dict(
        events.upcoming().values_list("region_id").annotate(n=Count("id")).order_by()
    )
    regions = [(region, region_counts.get(region.code, 0)) for region in Region.objects.all()]
    online_share = round(100 * totals["online"] / totals["total"]) if totals["total"] else 0
    next_events = list(
        Event.objects.published().filter(status=Event.Status.PUBLISHED).upcoming().for_listing()[:6]
    )
    return {
        "edition": edition,
        "total_events": totals["total"],
        "online_share": online_share,
        "seats": (totals["seats_onsite"] or 0) + (totals["seats_online"] or 0),
        "by_type": by_type,
        "regions": regions,
        "map_tiles": cartogram.tiles(regions, max(region_counts.values(), default=0)),
        "map_width": cartogram.WIDTH,
        "map_height": cartogram.HEIGHT,
        "overseas_caption_y": 6 * (cartogram.TILE_H + cartogram.GAP) + 16,
        "next_events": next_events,
        "now": timezone.now(),
    }
