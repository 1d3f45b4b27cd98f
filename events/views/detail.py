"""An event's page and its calendar file."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from events import ical
from events.jsonld import event_jsonld
from events.models import Event
from events.serializers import event_url
from semaine.pagecache import versioned_page


@require_safe
@versioned_page()  # every version: the page also lists offers of its trades
def event_detail(request, pk, slug):
    event = get_object_or_404(
        Event.objects.public()
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
            # Printed: the page's address and a QR code of it (SITE_URL, not the request's host).
            "page_url": event_url(event),
        },
    )


@require_safe
def event_ics(request, pk):
    event = Event.objects.public().select_related("department", "organiser").filter(pk=pk).first()
    if event is None:
        raise Http404("Événement introuvable")
    response = HttpResponse(ical.event_ics(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="evenement-{event.pk}.ics"'
    return response
