from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from events.facets import facet_counts
from events.filters import EventFilter
from events.models import LISTING_VERSION, SEATS_VERSION
from semaine.facets import cached_fragment, facet_options
from semaine.models import Region
from semaine.pagecache import versioned_page

PER_PAGE = 20


@require_safe
@versioned_page(LISTING_VERSION, SEATS_VERSION)
def event_list(request, region_code=None):
    region = None
    data = request.GET.copy()
    if region_code is not None:
        region = get_object_or_404(Region, code=region_code)
        data["region"] = region.code
    filterset = EventFilter(data)
    facets = facet_counts(filterset)
    paginator = Paginator(filterset.qs.for_listing(), PER_PAGE)
    paginator.count = facets.total  # already counted with the facets: no second COUNT(*)
    requested = request.GET.get("page", "1")
    page = paginator.get_page(requested)
    page_error = (
        ""
        if requested == str(page.number)
        else (f"La page « {requested[:20]} » n'existe pas : voici la page {page.number}.")
    )
    query = data.copy()
    query.pop("page", None)
    if region:
        query.pop("region", None)
    # The form (a hundred options with their counts) costs more to render than the rest of the
    # page: it only depends on what the facets depend on, so it is cached with them.
    form_key = None
    if facets.cache_key and not filterset.form.errors:
        form_key = f"{facets.cache_key}:form:{request.path}"
    filter_form = cached_fragment(
        form_key,
        lambda: render_to_string(
            "events/includes/filter_form.html",
            {
                "filter": filterset,
                "options": facet_options(filterset, facets, EventFilter.FACET_FIELDS),
                "region": region,
            },
            request=request,
        ),
    )
    return render(
        request,
        "events/event_list.html",
        {
            "filter": filterset,
            "facets": facets,
            "filter_form": filter_form,
            "page_obj": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "events": page.object_list,
            "page_error": page_error,
            "querystring": query.urlencode(),
            "region": region,
            "departments": region.departments.all() if region else (),
        },
    )
