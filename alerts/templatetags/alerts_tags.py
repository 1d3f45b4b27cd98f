"""« Prévenez-moi » on other apps' pages: the link of a listing, the staff dashboard's counts."""

from urllib.parse import urlencode

from django import template
from django.db.models import Count, Q
from django.urls import reverse

from alerts.models import Alert, Digest, Nature
from alerts.selection import LISTINGS

register = template.Library()


@register.inclusion_tag("alerts/includes/alert_link.html")
def alert_link(filterset) -> dict:
    """The link to follow a listing's selection by e-mail: the filters the page applied (an
    invalid one it ignored is left out), and `nature=offres` on the offers listing."""
    nature = next(
        key for key, listing in LISTINGS.items() if isinstance(filterset, listing.filterset_class)
    )
    query = filterset.applied_query()
    if nature == Nature.OFFERS:
        query = "&".join(filter(None, [query, urlencode({"nature": Nature.OFFERS})]))
    url = reverse("alerts:new") + (f"?{query}" if query else "")
    return {"url": url, "offers": nature == Nature.OFFERS}


@register.simple_tag
def alert_counts() -> dict:
    """Alerts followed (confirmed, awaiting confirmation) and digests sent: figures, no
    address."""
    alerts = Alert.objects.aggregate(
        confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
        pending=Count("pk", filter=Q(confirmed_at__isnull=True)),
        paused=Count("pk", filter=Q(subscriber__bounced_at__isnull=False)),
    )
    digests = Digest.objects.aggregate(
        sent=Count("pk", filter=Q(sent_at__isnull=False)),
        waiting=Count("pk", filter=Q(sent_at__isnull=True, failure="")),
        failed=Count("pk", filter=~Q(failure="") & Q(sent_at__isnull=True)),
    )
    return {**alerts, "digests": digests}
