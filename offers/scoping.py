"""Which offers a staff user manages: the same scope as their events (events.scoping)."""

from django.db.models import QuerySet

from events.scoping import scope_for


def offers_in_scope(user, queryset: QuerySet) -> QuerySet:
    """Offers owned by the user's organiser, or located in their region."""
    return scope_for(user).narrow(queryset)
