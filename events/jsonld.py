"""schema.org Event description of an event, for search engines."""

from django.conf import settings

from events.models import Event

ATTENDANCE = {
    Event.Modalite.PRESENTIEL: "https://schema.org/OfflineEventAttendanceMode",
    Event.Modalite.DISTANCIEL: "https://schema.org/OnlineEventAttendanceMode",
    Event.Modalite.HYBRIDE: "https://schema.org/MixedEventAttendanceMode",
}


def _place(event: Event) -> dict:
    place = {
        "@type": "Place",
        "name": event.venue_name or event.city,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": event.address,
            "postalCode": event.postcode,
            "addressLocality": event.city,
            "addressRegion": event.region.name if event.region else "",
            "addressCountry": "FR",
        },
    }
    if event.latitude is not None and event.longitude is not None:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": event.latitude,
            "longitude": event.longitude,
        }
    return place


def _offer(event: Event, url: str) -> dict:
    """The seat, free: sold out when full (the page then offers the waitlist)."""
    return {
        "@type": "Offer",
        "price": 0,
        "priceCurrency": "EUR",
        "availability": "https://schema.org/SoldOut"
        if event.registration_required and event.is_full
        else "https://schema.org/InStock",
        "url": url,
    }


def event_jsonld(event: Event) -> dict:
    """Google's Event structured data: its required fields (name, startDate, location) and
    the recommended ones the site knows (no image: events have none)."""
    url = settings.SITE_URL + event.get_absolute_url()
    places = []
    if event.is_onsite:
        places.append(_place(event))
    if event.is_online:
        # The page stands for a connection link that only confirmed registrants receive.
        places.append({"@type": "VirtualLocation", "url": event.public_online_url or url})
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.description or f"{event.get_type_display()} : {event.title}",
        "startDate": event.local_start.isoformat(),
        "endDate": event.local_end.isoformat(),
        "eventAttendanceMode": ATTENDANCE[event.modalite],
        "eventStatus": "https://schema.org/EventCancelled"
        if event.is_cancelled
        else "https://schema.org/EventScheduled",
        "location": places[0] if len(places) == 1 else places,
        "organizer": {
            "@type": "Organization",
            "name": event.organiser.name,
            **({"url": event.organiser.website} if event.organiser.website else {}),
        },
        "url": url,
        "offers": _offer(event, url),
        "isAccessibleForFree": True,
        "inLanguage": "fr",
    }
    if event.total_capacity is not None:
        data["maximumAttendeeCapacity"] = event.total_capacity
        data["remainingAttendeeCapacity"] = event.seats_left
    return data
