"""Links to take a selection of events away: exports, calendar feeds, the partners' page."""

from django import template
from django.utils.http import urlencode

from events.exports.selection import export_query
from events.exports.selection import selection_links as links

register = template.Library()


# Paths on the site's own pages (the calendar subscription alone names SITE_URL's host).
@register.simple_tag
def selection_links(filterset) -> dict:
    """Export links for the filters the listing page applied (its invalid values left out)."""
    return links(export_query(filterset), base="")


@register.simple_tag
def feed_links(**filters) -> dict:
    """Calendar feed of a region or a department: {% feed_links region=region.code as f %}."""
    return links(urlencode({k: v for k, v in filters.items() if v}), base="")
