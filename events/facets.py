"""The events listing's facet summary (semaine.summary): what its counts are kept for."""

from events.models import Event
from semaine.summary import Dimension, FacetSummary, Tags

_PUBLIC = ", ".join(f"'{status}'" for status in Event.PUBLIC_STATUSES)

SUMMARY = FacetSummary(
    table="events_facet_count",
    source="events_event",
    # The rows of Event.objects.public().upcoming(): an event leaves when it ends.
    counted=f"r.status IN ({_PUBLIC})",
    clock="end",
    dimensions=(
        Dimension("region", "r.region_id"),
        Dimension("departement", "r.department_id"),
        Dimension("type", "r.type"),
        Dimension("modalite", "r.modalite"),
        Dimension("public", "r.audience", filterable=False),
        Dimension("secteur", "r.sectors", filterable=False),
    ),
    # The trades of ROME 4.0, by code, as the « Métier » filter names them.
    tags=Tags(
        name="metier",
        table="events_event_trades",
        row_key="event_id",
        join="JOIN semaine_trade tg ON tg.id = tt.trade_id AND tg.version = 'v4'",
        value="tg.code",
    ),
    exclusive=frozenset({frozenset({"region", "departement"})}),
)
