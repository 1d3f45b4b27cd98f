"""Offers shown on pages of other apps: an event's related offers, the home page's block.

They live here, not in `events` or `semaine`, because offers depend on events and never the
reverse: an event page loads this library and the events app stays free of offers.
"""

from django import template

from offers.related import event_related_offers, work_study_offers

register = template.Library()


@register.inclusion_tag("offers/related_offers.html")
def related_offers(event):
    return {"event": event, "offers": event_related_offers(event=event)}


@register.inclusion_tag("offers/alternance_block.html")
def alternance_block():
    counts, offers = work_study_offers()
    return {"counts": counts, "offers": offers}
