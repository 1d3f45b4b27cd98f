"""Who saw or exported registrants' personal data (events.models.RegistrantAccess)."""

from collections.abc import Iterable

from events.models import Event, RegistrantAccess


def record_registrant_access(
    user, action: str, events: Iterable[Event] = (), *, rows: int | None = None, detail: str = ""
) -> None:
    """One record per event (or one without event for a list across events)."""
    _record(user, user.get_username(), action, events, rows=rows, detail=detail)


def record_contact_access(proposal, action: str, events: Iterable[Event], *, rows: int) -> None:
    """The contact of a partner's proposal saw or exported the registrants of its events, from
    their signed link: recorded as staff's access is, under the proposal's number (a contact
    has no account, and their name is not written here)."""
    _record(
        None,
        f"contact de la proposition n° {proposal.pk}",
        action,
        events,
        rows=rows,
        detail="lien personnel du partenaire",
    )


def _record(user, username: str, action: str, events, *, rows, detail: str) -> None:
    events = list(events) or [None]
    RegistrantAccess.objects.bulk_create(
        RegistrantAccess(
            user=user,
            username=username,
            action=action,
            event=event,
            event_title=event.title[:200] if event else "",
            rows=rows,
            detail=detail[:200],
        )
        for event in events
    )
