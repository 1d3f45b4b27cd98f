"""The check-in link of a registrant's QR code, opened at the door with a staff phone's camera.

A camera opens links with GET, so a GET by logged-in staff whose scope holds the event records
the person present: the signed token is what authorises it, and recording twice changes nothing.
Anyone else (the registrant, a mail client fetching links) sees a page that names nobody.
"""

from django.contrib import admin
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from events.models import Registration
from events.scoping import event_in_scope
from events.services.attendance import (
    AttendanceError,
    attendance_record,
    registration_from_checkin_token,
)
from semaine.db_router import reads_primary

TEMPLATE = "events/checkin.html"


@reads_primary
@never_cache
@require_http_methods(["GET", "HEAD"])
def checkin(request, token):
    login_url = reverse("admin:login") + "?next=" + request.path
    try:
        registration = registration_from_checkin_token(token)
    except AttendanceError as exc:
        return render(request, TEMPLATE, {"error": str(exc), "login_url": login_url}, status=400)
    user = request.user
    if not admin.site.has_permission(request):
        # Nothing personal: not even the event, which the token would otherwise reveal.
        return render(request, TEMPLATE, {"visitor": True, "login_url": login_url})
    event = registration.event
    if not event_in_scope(user, event) or not user.has_perm("events.change_event"):
        return render(
            request,
            TEMPLATE,
            {"error": "Cet événement n'est pas dans votre périmètre : rien n'est enregistré."},
            status=403,
        )
    context = {
        "event": event,
        "checkin_url": reverse("admin:events_event_checkin", args=[event.pk]),
    }
    try:
        result = attendance_record(
            registration=registration, attendance=Registration.Attendance.PRESENT, user=user
        )
    except AttendanceError as exc:
        return render(request, TEMPLATE, {**context, "error": str(exc)}, status=400)
    context.update(registration=result.registration, changed=result.changed)
    return render(request, TEMPLATE, context)
