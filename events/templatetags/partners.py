"""Links to take a selection of events away: exports, calendar feeds, the partners' page."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from events.exports.selection import FORMATS, export_query

register = template.Library()


def _links(request, query: str) -> dict:
    suffix = f"?{query}" if query else ""
    links = {fmt: reverse("events:export", args=[fmt]) + suffix for fmt in FORMATS}
    # Calendar apps subscribe to webcal:// (they then poll the https URL behind it).
    links["webcal"] = f"webcal://{request.get_host()}{links['ics']}"
    links["partners"] = reverse("partners") + suffix
    links["query"] = query
    return links


@register.simple_tag(takes_context=True)
def selection_links(context, filterset) -> dict:
    """Export links for the filters the listing page applied (its invalid values left out)."""
    return _links(context["request"], export_query(filterset))


@register.simple_tag(takes_context=True)
def feed_links(context, **filters) -> dict:
    """Calendar feed of a region or a department: {% feed_links region=region.code as f %}."""
    return _links(context["request"], urlencode({k: v for k, v in filters.items() if v}))
