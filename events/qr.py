"""The check-in QR code of a registration: shown on its page and in its e-mails.

Below the services (the e-mails use it): it only builds a link and its picture.
"""

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe

from events.models import Registration


def checkin_url(registration: Registration) -> str:
    """The absolute check-in link of `registration`'s QR code."""
    path = reverse("registration_checkin", kwargs={"token": registration.checkin_token()})
    return settings.SITE_URL + path


def checkin_qr_svg(registration: Registration) -> str:
    """The QR code of the check-in link, as inline SVG (no image to host, no JavaScript).

    Only confirmed registrants of an event held on site get one: the others have no seat
    at a door.
    """
    if not registration.is_confirmed or registration.mode != Registration.Mode.PRESENTIEL:
        return ""
    qr = segno.make(checkin_url(registration), error="m")
    # segno's own markup, no user text: safe to insert as is.
    return mark_safe(qr.svg_inline(scale=4, border=2, title="Code d'accueil"))  # noqa: S308
