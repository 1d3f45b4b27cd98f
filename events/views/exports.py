"""Exports of the listing's selection: every row for the same filters, in four formats."""

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from events.exports import selection
from events.exports import writers as exports
from events.filters import EventFilter
from semaine.models import Department, Region
from semaine.ratelimit import rate_limited

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
    queryset = selection.export_queryset(filterset)
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
