"""The offers listing's facet summary (semaine.summary): what its counts are kept for."""

from offers.models import Offer
from semaine.summary import Dimension, FacetSummary

SUMMARY = FacetSummary(
    table="offers_facet_count",
    source="offers_offer",
    counted=f"r.status = '{Offer.Status.OPEN}'",  # Offer.objects.open()
    dimensions=(
        Dimension("nature", "r.nature"),
        Dimension("region", "r.region_id"),
        Dimension("departement", "r.department_id"),
        # By trade id, as OfferFilter counts them (the filter's code is translated).
        Dimension("metier", "r.trade_id"),
        Dimension("contrat", "r.contract_type"),
        Dimension("alternance", "CASE WHEN r.work_study THEN '1' ELSE '0' END", filterable=False),
        Dimension("temps", "r.working_time", filterable=False),
    ),
    exclusive=frozenset({frozenset({"region", "departement"})}),
)
