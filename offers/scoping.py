"""Which offers a staff user manages: the same scope as their events (events.scoping)."""

from django.db.models import Q, QuerySet

from events.scoping import scope_for


def offers_in_scope(user, queryset: QuerySet) -> QuerySet:
    """Offers owned by the user's organiser, or located in their region."""
    scope = scope_for(user)
    if scope.everything:
        return queryset
    q = Q(pk__in=[])
    if scope.organiser_id:
        q |= Q(organiser_id=scope.organiser_id)
    if scope.region_code:
        q |= Q(region_id=scope.region_code)
    return queryset.filter(q)
