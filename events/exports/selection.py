"""The selection an export, a feed or a partner's link carries: the listing's valid filters."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from events.filters import EventFilter
from events.serializers import with_trades

FORMATS = ("csv", "xlsx", "ics", "json")


def export_queryset(filterset: EventFilter):
    """The rows of the listing page for these filters (all pages), ready to be written out."""
    return with_trades(filterset.qs)


def export_query(filterset: EventFilter) -> str:
    """Query string of the filters the page actually applied (invalid values are left out).

    The page ignores an invalid value while exports refuse it: links built from the valid
    values give exactly the rows the person saw.
    """
    if not filterset.is_bound:
        return ""
    filterset.errors  # noqa: B018 - runs validation, fills cleaned_data
    cleaned = filterset.form.cleaned_data
    pairs: list[tuple[str, str]] = []
    for name in filterset.filters:
        if name in filterset.form.errors:
            continue
        value = cleaned.get(name)
        if value in (None, "", [], False):
            continue
        if value is True:
            pairs.append((name, "1"))
        elif isinstance(value, list | tuple):
            pairs.extend((name, str(v)) for v in value)
        elif isinstance(value, datetime.date):
            pairs.append((name, value.isoformat()))
        else:
            pairs.append((name, str(value)))
    return urlencode(pairs)


def selection_links(query: str, *, base: str | None = None) -> dict[str, str]:
    """Every way of taking away the selection `query` (export_query): the four exports, the
    calendar subscription, the Atom feed, the API, the widget, the listing page, its programme
    (page and PDF poster) and the partners' page.

    Absolute on settings.SITE_URL by default: these links leave the site (a partner's page, a
    script, a calendar app polling the feed for months), and the site's public address is the
    one that lasts. Never the host of the request: an instance's own name or a proxy's is not
    for keeping, and a cached page (semaine.pagecache, keyed on the path alone) would hand it
    to everyone. `base=""` gives paths, for links followed from the site's own pages.
    """
    base = settings.SITE_URL if base is None else base
    suffix = f"?{query}" if query else ""
    paths = {fmt: reverse("events:export", args=[fmt]) for fmt in FORMATS}
    paths |= {
        "atom": reverse("events:feed"),
        "api": reverse("api:evenement-list"),
        "widget": reverse("widget"),
        "page": reverse("events:list"),
        "programme": reverse("events:programme"),
        "programme_pdf": reverse("events:programme_pdf"),
        "partners": reverse("partners"),
    }
    links = {name: base + path + suffix for name, path in paths.items()}
    # Calendar apps subscribe to webcal:// and poll the address behind it for months: it must
    # name a host, always SITE_URL's. It does not say http or https: an app that polls
    # http:// is redirected to https:// (SECURE_SSL_REDIRECT).
    host = settings.SITE_URL.split("://", 1)[-1]
    links["webcal"] = f"webcal://{host}{paths['ics']}{suffix}"
    # The widget's preview on our own page: same origin whatever SITE_URL says (CSP
    # frame-src 'self').
    links["widget_preview"] = paths["widget"] + suffix
    links["query"] = query
    return links
