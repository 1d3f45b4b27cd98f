"""The week's programme of the listing's selection: a page, and an A4 PDF poster of it."""

from django.conf import settings
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_safe

from events.exports import programme as programmes
from events.exports import selection
from events.filters import EventFilter
from events.models import AVAILABILITY_VERSION, LISTING_VERSION
from semaine.listing import canonical_query, known_params
from semaine.models import EDITIONS_VERSION
from semaine.pagecache import versioned_page
from semaine.ratelimit import rate_limited


def _filters(request) -> EventFilter:
    data = QueryDict(mutable=True)
    for name, value in known_params(request, EventFilter.base_filters):
        data.appendlist(name, value)
    return EventFilter(data)


def _cache_query(request) -> str:
    # The programme reads the listing's filters and nothing else.
    return canonical_query(known_params(request, EventFilter.base_filters))


def _context(filterset: EventFilter) -> dict:
    query = selection.export_query(filterset)
    return {
        "filter": filterset,
        "programme": programmes.programme_build(filterset=filterset),
        "links": selection.selection_links(query, base=""),
        # Printed pages and posters name absolute addresses (SITE_URL), and their QR codes too.
        "absolute_links": selection.selection_links(query),
        "site_url": settings.SITE_URL,
    }


@require_safe
@rate_limited("pages")
@versioned_page(LISTING_VERSION, AVAILABILITY_VERSION, EDITIONS_VERSION, query=_cache_query)
def programme(request):
    """/evenements/programme/: the selection's events day by day, to read, print or share."""
    return render(request, "events/programme.html", _context(_filters(request)))


@require_safe
@rate_limited("export")
@versioned_page(LISTING_VERSION, AVAILABILITY_VERSION, EDITIONS_VERSION, query=_cache_query)
def programme_pdf(request):
    """/evenements/programme.pdf: the programme as an A4 poster. A selection of more than
    programmes.MAX_EVENTS events is refused (400, the programme page saying why): its PDF
    would hold a web worker far too long."""
    context = _context(_filters(request))
    programme = context["programme"]
    if programme.too_large:
        return render(request, "events/programme.html", context, status=400)
    pdf = programmes.programme_pdf(context=context)
    response = HttpResponse(pdf, content_type="application/pdf")
    year = programme.edition.year if programme.edition else "toutes-editions"
    response["Content-Disposition"] = f'inline; filename="programme-semaine-{year}.pdf"'
    return response
