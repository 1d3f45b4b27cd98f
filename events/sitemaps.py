"""The events' sections of the sitemap (semaine.sitemaps): event pages and region pages."""

from django.db.models import Max
from django.urls import reverse

from events.models import Event
from semaine.models import Region
from semaine.sitemaps import SiteUrlSitemap


def published_to_come():
    """The events a search engine should find: published and not finished (a cancelled one,
    a draft or a past one is not worth a visit from a search result)."""
    return Event.objects.published().upcoming()


def events_lastmod():
    """When the published events to come last changed."""
    return published_to_come().aggregate(last=Max("updated_at"))["last"]


class EventSitemap(SiteUrlSitemap):
    changefreq = "daily"

    def items(self):
        # By id: pages of 50,000 stay the same while events are added.
        return published_to_come().only("pk", "slug", "updated_at").order_by("pk")

    def lastmod(self, event):
        return event.updated_at

    def get_latest_lastmod(self):
        return events_lastmod()


class RegionSitemap(SiteUrlSitemap):
    """Each region's page of events; its last change is that of its latest event."""

    changefreq = "daily"

    def items(self):
        lastmods = dict(
            published_to_come().order_by().values_list("region_id").annotate(last=Max("updated_at"))
        )
        regions = list(Region.objects.order_by("code"))
        for region in regions:
            region.lastmod = lastmods.get(region.code)
        return regions

    def location(self, region):
        return reverse("events:region", args=[region.code])

    def lastmod(self, region):
        return region.lastmod

    def get_latest_lastmod(self):
        return events_lastmod()
