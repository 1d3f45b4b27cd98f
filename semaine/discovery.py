"""What crawlers and browsers ask every site for: /robots.txt, /.well-known/security.txt, the
favicon and the touch icon (the sitemap is semaine.sitemaps).

Absolute URLs name settings.SITE_URL, never the request's host: a crawler keeps them.
"""

import datetime

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

# What crawlers have no business fetching: the staff admin, the API and the exports (heavy,
# and the same rows as the pages), the registration forms and the signed links of e-mails,
# the calendar files and the widget (the pages' content again). RFC 9309 wildcards (*).
ROBOTS_DISALLOW = (
    "/admin/",
    "/api/",
    "/evenements/export.",
    "/evenements/programme.pdf",
    "/evenements/*.ics",
    "/evenements/*/inscription/",
    # A partner's private page (its signed link); the proposal form itself may be found.
    "/evenements/proposer/suivi/",
    "/inscriptions/",
    "/widget/",
)

# RFC 9116: an Expires "less than a year into the future" is recommended.
SECURITY_TXT_DAYS = 365


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines += ["", f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def security_txt(request):
    """RFC 9116: whom to tell of a vulnerability, until when this holds (a year from now,
    computed at each request so it never lapses), in which languages."""
    expires = timezone.now().replace(microsecond=0) + datetime.timedelta(days=SECURITY_TXT_DAYS)
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires.astimezone(datetime.UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: fr, en",
        f"Canonical: {settings.SITE_URL}{reverse('security_txt')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def _to_static(path: str):
    """The icon at the address browsers and crawlers ask for, sent to the static file (hashed
    name in production, served by whitenoise with its long cache)."""

    @require_safe
    def view(request):
        # Not permanent: the hashed name changes with the icon.
        response = HttpResponseRedirect(static(path))
        response["Cache-Control"] = "public, max-age=86400"
        return response

    return view


favicon = _to_static("icons/favicon.ico")
apple_touch_icon = _to_static("icons/apple-touch-icon.png")
