"""Partners' pages: exports of a selection, the embeddable widget and the "partenaires" page."""

from django.conf import settings
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from events import exports
from events.filters import EventFilter
from semaine.models import Department, Region
from semaine.ratelimit import rate_limited

WIDGET_DEFAULT_SIZE = 10
WIDGET_MAX_SIZE = 50

_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ics": "text/calendar; charset=utf-8",
    "json": "application/json",
}


def _bad_filters(filterset: EventFilter, fmt: str) -> HttpResponse:
    errors = {name: [str(e) for e in errs] for name, errs in filterset.errors.items()}
    if fmt == "json":
        return HttpResponse(
            exports.json_error(errors), status=400, content_type=_CONTENT_TYPES[fmt]
        )
    lines = ["Export impossible : ces filtres sont invalides."]
    lines += [f"- {name} : {' '.join(messages)}" for name, messages in errors.items()]
    return HttpResponse(
        "\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8"
    )


def selection_name(filterset: EventFilter) -> str:
    """Name of a calendar feed: the week, narrowed to the region or department chosen."""
    cleaned = filterset.form.cleaned_data
    name = "Semaine des métiers du soin"
    if cleaned.get("departement"):
        department = Department.objects.filter(pk=cleaned["departement"]).first()
        if department:
            return f"{name} – {department.name}"
    if cleaned.get("region"):
        region = Region.objects.filter(pk=cleaned["region"]).first()
        if region:
            return f"{name} – {region.name}"
    return name


@rate_limited("export")
@require_safe
def export(request, fmt):
    """/evenements/export.<fmt>: every row of the listing for the same filters."""
    filterset = EventFilter(request.GET)
    if not filterset.is_valid():
        return _bad_filters(filterset, fmt)
    queryset = exports.export_queryset(filterset)
    filename = f"evenements-{timezone.localdate():%Y-%m-%d}.{fmt}"
    if fmt == "xlsx":
        return FileResponse(
            exports.xlsx_file(queryset),
            as_attachment=True,
            filename=filename,
            content_type=_CONTENT_TYPES[fmt],
        )
    if fmt == "csv":
        content = exports.csv_stream(queryset)
    elif fmt == "ics":
        content = exports.ics_stream(queryset, name=selection_name(filterset))
    else:
        content = exports.json_stream(queryset)
    response = StreamingHttpResponse(content, content_type=_CONTENT_TYPES[fmt])
    # A calendar app subscribes to the feed: shown inline; the others are files to save.
    disposition = "inline" if fmt == "ics" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _absolute(path: str, query: str = "") -> str:
    return settings.SITE_URL + path + (f"?{query}" if query else "")


def partner_links(filterset: EventFilter) -> dict:
    """Every way of taking the selection away, as absolute URLs."""
    query = exports.export_query(filterset)
    links = {fmt: _absolute(reverse("events:export", args=[fmt]), query) for fmt in exports.FORMATS}
    links["webcal"] = "webcal://" + links["ics"].split("://", 1)[1]
    links["api"] = _absolute(reverse("api:evenement-list"), query)
    links["widget"] = _absolute(reverse("widget"), query)
    # The preview on our own page: same origin whatever SITE_URL says (CSP frame-src 'self').
    links["widget_preview"] = reverse("widget") + (f"?{query}" if query else "")
    links["page"] = _absolute(reverse("events:list"), query)
    return links


def _widget_size(value: str | None) -> int:
    try:
        size = int(value or WIDGET_DEFAULT_SIZE)
    except ValueError:
        return WIDGET_DEFAULT_SIZE
    return min(max(size, 1), WIDGET_MAX_SIZE)


@xframe_options_exempt
@require_safe
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
            "page_url": partner_links(filterset)["page"],
        },
    )
    # Its own policy: partners' pages may frame this one (the rest of the site refuses).
    if "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE:
        # What @csp_replace does: django-csp keeps the site's policy but this directive.
        response._csp_replace = {"frame-ancestors": ["*"]}
    else:
        response["Content-Security-Policy"] = "frame-ancestors *"
    return response


@require_safe
def partners(request):
    """/partenaires/: choose filters (a GET form), get the widget snippet and every link."""
    filterset = EventFilter(request.GET)
    links = partner_links(filterset)
    return render(
        request,
        "events/partenaires.html",
        {
            "filter": filterset,
            "links": links,
            "total": filterset.qs.count(),
            "snippet": (
                f'<iframe src="{links["widget"]}" title="Événements de la Semaine des métiers '
                'du soin et de l\'accompagnement" width="400" height="600" loading="lazy">'
                "</iframe>"
            ),
        },
    )
