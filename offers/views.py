from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from offers.facets import facet_counts, facet_options
from offers.filters import OfferFilter
from offers.jsonld import offer_jsonld
from offers.models import LISTING_VERSION, Offer
from offers.related import offer_related_events
from semaine.pagecache import versioned_page

PER_PAGE = 20


@require_safe
@versioned_page(LISTING_VERSION)
def offer_list(request):
    filterset = OfferFilter(request.GET)
    facets = facet_counts(filterset)
    # Page through ids only, then load that page's rows with their joins: deep pages then
    # skip index entries, not joined rows.
    paginator = Paginator(filterset.qs.values_list("pk", flat=True), PER_PAGE)
    paginator.count = facets.total  # already counted with the facets: no second COUNT(*)
    requested = request.GET.get("page", "1")
    page = paginator.get_page(requested)
    rows = Offer.objects.for_listing().in_bulk(list(page.object_list))
    page.object_list = [rows[pk] for pk in page.object_list if pk in rows]
    page_error = (
        ""
        if requested == str(page.number)
        else f"La page « {requested[:20]} » n'existe pas : voici la page {page.number}."
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "offers/offer_list.html",
        {
            "filter": filterset,
            "facets": facets,
            "options": facet_options(filterset, facets),
            "page_obj": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "offers": page.object_list,
            "page_error": page_error,
            "querystring": query.urlencode(),
        },
    )


@require_safe
@versioned_page()  # every version: the page also lists events with their seats
def offer_detail(request, pk, slug):
    # Closed offers stay reachable (bookmarks, shared links) and say they are closed.
    offer = get_object_or_404(Offer.objects.for_listing(), pk=pk)
    if slug != offer.slug:
        return redirect(offer, permanent=True)
    return render(
        request,
        "offers/offer_detail.html",
        {
            "offer": offer,
            "jsonld": offer_jsonld(offer),
            "events": offer_related_events(offer=offer),
        },
    )
