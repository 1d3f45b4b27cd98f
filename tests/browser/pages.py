"""Every public page type the browser checks visit, with the URL of one example of each.

A page type that another part of the site adds (registration, offers, partners) joins the list
here once its URL resolves, so that accessibility, HTML and phone checks cover it at once.
"""

from django.urls import NoReverseMatch, reverse


def _url(name, *args, query=""):
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


def public_pages(site) -> dict[str, str]:
    """Page type -> URL, for the pages that exist in this checkout."""
    event = site.first_event
    pages = {
        "home": _url("home"),
        "listing": _url("events:list"),
        "listing-page-2": _url("events:list", query="?page=2"),
        "listing-empty": _url("events:list", query="?q=zzzxqwv"),
        "listing-bad-input": _url(
            "events:list", query="?du=2030-13-45&region=XX&type=nope&page=999"
        ),
        "region": _url("events:region", "84"),
        "detail": event.get_absolute_url(),
        "detail-online-overseas": site.guadeloupe_forums[0].get_absolute_url(),
        "detail-cancelled": site.cancelled.get_absolute_url(),
        "accessibility": _url("accessibility"),
        "legal-notice": _url("legal_notice"),
    }
    return {name: url for name, url in pages.items() if url}


PAGE_TYPES = [
    "home",
    "listing",
    "listing-page-2",
    "listing-empty",
    "listing-bad-input",
    "region",
    "detail",
    "detail-online-overseas",
    "detail-cancelled",
    "accessibility",
    "legal-notice",
]
