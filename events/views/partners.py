"""Partners' pages: the embeddable widget and the "partenaires" page that builds its snippet."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from events.exports import selection
from events.exports.programme import MAX_EVENTS
from events.filters import EventFilter
from semaine.feeds import MAX_ENTRIES
from semaine.models import Region
from semaine.ratelimit import rate_limited
from semaine.site_url import request_mismatch

WIDGET_DEFAULT_SIZE = 10
WIDGET_MAX_SIZE = 50


def _widget_size(value: str | None) -> int:
    try:
        size = int(value or WIDGET_DEFAULT_SIZE)
    except ValueError:
        return WIDGET_DEFAULT_SIZE
    return min(max(size, 1), WIDGET_MAX_SIZE)


@xframe_options_exempt
@require_safe
@rate_limited("pages")
def widget(request):
    """/widget/evenements/: a light list for partners' sites, framed anywhere."""
    filterset = EventFilter(request.GET)
    size = _widget_size(request.GET.get("nombre"))
    queryset = filterset.qs
    events = list(queryset.for_listing()[:size])
    total = len(events) if len(events) < size else queryset.count()
    region = None
    if filterset.form.cleaned_data.get("region"):
        region = Region.objects.filter(pk=filterset.form.cleaned_data["region"]).first()
    response = render(
        request,
        "events/widget.html",
        {
            "events": events,
            "total": total,
            "region": region,
            "page_url": selection.selection_links(selection.export_query(filterset))["page"],
        },
    )
    # Its own policy: partners' pages may frame this one (the rest of the site refuses). What
    # @csp_replace does: the CSP middleware keeps the site's policy but this directive.
    response._csp_replace = {"frame-ancestors": ["*"]}
    return response


@require_safe
@rate_limited("pages")
def partners(request):
    """/partenaires/: choose filters (a GET form), get the widget snippet and every link."""
    filterset = EventFilter(request.GET)
    # Absolute links (SITE_URL): partners copy them into their own pages and tools.
    links = selection.selection_links(selection.export_query(filterset))
    return render(
        request,
        "events/partenaires.html",
        {
            # Staff are told when these links name another address than the one served on.
            "served_on": request_mismatch(request) if request.user.is_staff else "",
            "site_url": settings.SITE_URL,
            "filter": filterset,
            "links": links,
            "programme_limit": MAX_EVENTS,
            "feed_entries": MAX_ENTRIES,
            "total": filterset.qs.count(),
            "snippet": (
                f'<iframe src="{links["widget"]}" title="Événements de la Semaine des métiers '
                'du soin et de l\'accompagnement" width="400" height="600" loading="lazy">'
                "</iframe>"
            ),
        },
    )
