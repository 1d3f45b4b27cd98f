"""An event's page (a draft's preview for the staff who may edit it) and its calendar file."""

from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from events import ical
from events.jsonld import event_jsonld
from events.models import Event
from events.scoping import may_edit_event
from events.serializers import event_url
from semaine.pagecache import versioned_page


@require_safe
def event_detail(request, pk, slug):
    """An event's public page; a draft's, to the staff who may edit it, as a preview."""
    try:
        return public_event_detail(request, pk, slug)
    except Http404:
        # Looked for only once the public page is not found: a visitor's page costs nothing
        # more, and the page cache never sees a preview (it keeps public_event_detail's pages).
        event = _draft_to_preview(request, pk)
        if event is None:
            raise
    if slug != event.slug:
        return redirect(event, permanent=False)
    response = _render(request, event, preview=True)
    # Never kept by a cache on the way nor shown to another person, nor indexed.
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response


@versioned_page()  # every version: the page also lists offers of its trades
def public_event_detail(request, pk, slug):
    event = get_object_or_404(_with_page_relations(Event.objects.public()), pk=pk)
    if slug != event.slug:
        return redirect(event, permanent=True)
    return _render(request, event)


def _with_page_relations(events):
    return events.select_related("department", "region", "organiser", "edition").prefetch_related(
        "trades"
    )


def _draft_to_preview(request, pk) -> Event | None:
    """The draft `pk`, when the request is a staff member's who may edit it (logged in to the
    admin, second factor proved where required); None for anyone else, who gets the 404."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None  # no session, no staff member: not even a query
    if not admin.site.has_permission(request):
        return None
    event = _with_page_relations(Event.objects.drafts())
    event = event.filter(pk=pk).first()
    if event is None or not may_edit_event(request.user, event):
        return None
    return event


def _render(request, event: Event, *, preview: bool = False):
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "preview": preview,
            "jsonld": None if preview else event_jsonld(event),
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
