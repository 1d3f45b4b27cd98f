"""The offers' section of the sitemap (semaine.sitemaps): the pages of open offers."""

from django.db.models import Max

from offers.models import Offer
from semaine.sitemaps import SiteUrlSitemap


class OfferSitemap(SiteUrlSitemap):
    changefreq = "daily"

    def items(self):
        # Closed offers keep their page for bookmarks, not for search results.
        return Offer.objects.open().only("pk", "slug", "updated_at").order_by("pk")

    def lastmod(self, offer):
        return offer.updated_at

    def get_latest_lastmod(self):
        return Offer.objects.open().aggregate(last=Max("updated_at"))["last"]
