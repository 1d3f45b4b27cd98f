"""Who saw or exported registrants' personal data (events.models.RegistrantAccess)."""

from collections.abc import Iterable

from events.models import Event, RegistrantAccess


def record_registrant_access(
    user, action: str, events: Iterable[Event] = (), *, rows: int | None = None, detail: str = ""
) -> None:
    """One record per event (or one without event for a list across events)."""
    events = list(events) or [None]
    RegistrantAccess.objects.bulk_create(
        RegistrantAccess(
            user=user,
            username=user.get_username(),
            action=action,
            event=event,
            event_title=event.title[:200] if event else "",
            rows=rows,
            detail=detail[:200],
        )
        for event in events
    )
