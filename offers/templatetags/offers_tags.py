"""Offers shown on an event's page, which belongs to the other app.

The tag lives here, not in `events`, because offers depend on events and never the reverse: an
event page loads this library and the events app stays free of offers.
"""

from django import template

from offers.related import event_related_offers

register = template.Library()


@register.inclusion_tag("offers/related_offers.html")
def related_offers(event):
    return {"event": event, "offers": event_related_offers(event=event)}
