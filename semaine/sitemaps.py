"""The sitemap for search engines: an index of sections (Django's sitemaps framework).

Each app gives its sections (a SiteUrlSitemap subclass: events, region pages, offers), the URL
conf (a composition module) names them and the data versions each one reads. Every URL is
absolute on settings.SITE_URL, never the request's host: crawlers keep them, and a cached
section is served to everyone. A section holds at most `SiteUrlSitemap.limit` (5,000) URLs a page;
the index lists every page (`?p=2`…), as Django's own index does. Each section is cached
(semaine.pagecache) under the versions it reads: building a page of 5,000 URLs is a query and
about a second of templating, not something to do on every crawler's visit.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, sitemap
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from semaine.pagecache import versioned_page
from semaine.ratelimit import rate_limited


class SiteUrlSitemap(Sitemap):
    """A section whose URLs start with SITE_URL's scheme and host. A subclass with many rows
    gives `get_latest_lastmod` as one query (Django's default reads every item)."""

    # Not the protocol's 50,000: a section's page is built in one request, about 0.18 ms a URL
    # (1,500 events: 270 ms cold), so 50,000 would hold a web worker some 9 s.
    limit = 5000

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class NamedPagesSitemap(SiteUrlSitemap):
    """Pages without a row of their own (home, listings, programme), by URL name; their last
    change is the latest of the rows they show (`lastmod_of`, one query)."""

    changefreq = "daily"

    def __init__(self, names: tuple[str, ...], lastmod_of=None):
        self.names, self.lastmod_of = names, lastmod_of

    def items(self):
        return list(self.names)

    def location(self, item: str) -> str:
        return reverse(item)

    def get_latest_lastmod(self):
        return self.lastmod_of() if self.lastmod_of else None

    def lastmod(self, item):
        return self.get_latest_lastmod()


def _page_query(request) -> str:
    # The only parameter a section reads: the rest must not make crawlers' variants uncached.
    return "p=" + request.GET.get("p", "1")[:12]


def sitemap_views(sections: dict[str, tuple]):
    """The views of the index and of its sections: `sections` maps a section's name (in its
    URL, /sitemap-<name>.xml) to (a SiteUrlSitemap or a callable that makes one, the data
    versions it reads)."""

    def make(entry):
        return entry() if callable(entry) and not isinstance(entry, Sitemap) else entry

    section_views = {
        name: versioned_page(*reads, query=_page_query)(
            lambda request, name=name, entry=entry: sitemap(
                request, sitemaps={name: make(entry)}, section=name
            )
        )
        for name, (entry, reads) in sections.items()
    }
    every_version = sorted({version for _, reads in sections.values() for version in reads})

    @rate_limited("pages")
    @require_safe
    def section(request, name: str):
        view = section_views.get(name)
        if view is None:
            raise Http404("Section inconnue.")
        return view(request)

    @rate_limited("pages")
    @require_safe
    @versioned_page(*every_version, query=lambda request: "")
    def index(request):
        items, latest = [], []
        for name, (entry, _) in sections.items():
            current = make(entry)
            location = settings.SITE_URL + reverse("sitemap-section", kwargs={"name": name})
            lastmod = current.get_latest_lastmod()
            if lastmod is not None:
                latest.append(lastmod)
            items.append(SitemapIndexItem(location, lastmod))
            items += [
                SitemapIndexItem(f"{location}?p={page}", lastmod)
                for page in range(2, current.paginator.num_pages + 1)
            ]
        headers = {"Last-Modified": http_date(max(latest).timestamp())} if latest else None
        return TemplateResponse(
            request,
            "sitemap_index.xml",
            {"sitemaps": items},
            content_type="application/xml",
            headers=headers,
        )

    return index, section
