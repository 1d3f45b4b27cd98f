"""schema.org Event description of an event, for search engines."""

from django.conf import settings

from events.models import Event

ATTENDANCE = {
    Event.Modalite.PRESENTIEL: "https://schema.org/OfflineEventAttendanceMode",
    Event.Modalite.DISTANCIEL: "https://schema.org/OnlineEventAttendanceMode",
    Event.Modalite.HYBRIDE: "https://schema.org/MixedEventAttendanceMode",
}


def event_jsonld(event: Event) -> dict:
    places = []
    if event.is_onsite:
        places.append(
            {
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
        )
    if event.is_online:
        # The page stands for a connection link that only confirmed registrants receive.
        url = event.public_online_url or settings.SITE_URL + event.get_absolute_url()
        places.append({"@type": "VirtualLocation", "url": url})
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.description,
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
        "url": settings.SITE_URL + event.get_absolute_url(),
        "isAccessibleForFree": True,
        "inLanguage": "fr",
    }
    if event.total_capacity is not None:
        data["maximumAttendeeCapacity"] = event.total_capacity
        data["remainingAttendeeCapacity"] = event.seats_left
    return data
