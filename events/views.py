from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from events import ical
from events.facets import facet_counts
from events.filters import EventFilter
from events.jsonld import event_jsonld
from events.models import Event
from semaine.facets import cached_fragment, facet_options
from semaine.models import Region
from semaine.pagecache import versioned_page

PER_PAGE = 20


@require_safe
@versioned_page
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


@require_safe
@versioned_page
def event_detail(request, pk, slug):
    event = get_object_or_404(
        Event.objects.visible()
        .select_related("department", "region", "organiser", "edition")
        .prefetch_related("trades"),
        pk=pk,
    )
    if slug != event.slug:
        return redirect(event, permanent=True)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "jsonld": event_jsonld(event),
        },
    )


@require_safe
def event_ics(request, pk):
    event = Event.objects.visible().select_related("department", "organiser").filter(pk=pk).first()
    if event is None:
        raise Http404("Événement introuvable")
    response = HttpResponse(ical.event_ics(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="evenement-{event.pk}.ics"'
    return response
