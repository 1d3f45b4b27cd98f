"""Who sees what in the admin: a staff user's scope (organiser and/or region, or everything).

Every admin queryset, edit right, foreign-key choice, export and import goes through these
functions, so that an agency counsellor can neither see nor touch another agency's events.
"""

import dataclasses

from django.db.models import Q, QuerySet

from events.models import Event, Organiser, Proposal, Registration, StaffProfile

GROUP_AGENCY = "Agence"
GROUP_REGIONAL = "Coordination régionale"
GROUP_NATIONAL = "National"


@dataclasses.dataclass(frozen=True)
class Scope:
    """The events a staff user may manage: all of them, or those of an organiser and/or region."""

    everything: bool = False
    organiser_id: int | None = None
    region_code: str | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.organiser_id or self.region_code)

    def narrow(self, queryset: QuerySet, prefix: str = "") -> QuerySet:
        """The rows of `queryset` in this scope: those whose organiser (through `prefix`) is the
        scope's, or that lie in its region. Events, their registrations, offers alike."""
        if self.everything:
            return queryset
        q = Q(pk__in=[])
        if self.organiser_id:
            q |= Q(**{f"{prefix}organiser_id": self.organiser_id})
        if self.region_code:
            q |= Q(**{f"{prefix}region_id": self.region_code})
        return queryset.filter(q)

    def describe(self) -> str:
        if self.everything:
            return "tous les événements"
        parts = []
        if self.organiser_id:
            parts.append(str(Organiser.objects.get(pk=self.organiser_id)))
        if self.region_code:
            from semaine.models import Region

            parts.append(f"région {Region.objects.get(pk=self.region_code)}")
        return " et ".join(parts) or "aucun événement (périmètre à définir)"


def scope_for(user) -> Scope:
    """The scope of `user`, cached on the user object for the length of a request."""
    cached = getattr(user, "_event_scope", None)
    if cached is not None:
        return cached
    if not user.is_active or not user.is_staff:
        scope = Scope()
    elif user.is_superuser or user.groups.filter(name=GROUP_NATIONAL).exists():
        scope = Scope(everything=True)
    else:
        profile = StaffProfile.objects.filter(user=user).first()
        scope = (
            Scope(organiser_id=profile.organiser_id, region_code=profile.region_id)
            if profile
            else Scope()
        )
    user._event_scope = scope
    return scope


def events_in_scope(user, queryset: QuerySet | None = None) -> QuerySet:
    return scope_for(user).narrow(Event.objects.all() if queryset is None else queryset)


def registrations_in_scope(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Registration.objects.all() if queryset is None else queryset
    return scope_for(user).narrow(queryset, prefix="event__")


def event_in_scope(user, event: Event) -> bool:
    """Whether `user` may manage `event` (checked on the object, without a query when possible)."""
    scope = scope_for(user)
    if scope.everything:
        return True
    if scope.organiser_id and event.organiser_id == scope.organiser_id:
        return True
    return bool(scope.region_code) and event.region_id == scope.region_code


def may_edit_event(user, event: Event) -> bool:
    """Whether `user` may edit `event` in the admin: the right to change events, in scope (the
    draft preview of its public page follows the same rule)."""
    return user.has_perm("events.change_event") and event_in_scope(user, event)


def proposals_in_scope(user, queryset: QuerySet | None = None) -> QuerySet:
    """The partners' proposals `user` moderates: those placed in their agency's department, or
    in their region; all of them for national staff. A proposal outside the 101 departments is
    national staff's alone. (An agency's scope is its organiser's events, but a proposal has no
    organiser yet: the place decides.)"""
    queryset = Proposal.objects.all() if queryset is None else queryset
    scope = scope_for(user)
    if scope.everything:
        return queryset
    q = Q(pk__in=[])
    if scope.organiser_id:
        department = (
            Organiser.objects.filter(pk=scope.organiser_id, kind=Organiser.Kind.AGENCY)
            .values_list("department_id", flat=True)
            .first()
        )
        if department:
            q |= Q(department_id=department)
    if scope.region_code:
        q |= Q(region_id=scope.region_code)
    return queryset.filter(q)


def organisers_in_scope(user, queryset: QuerySet | None = None) -> QuerySet:
    """Organisers `user` may choose for an event.

    An agency user only their own; a regional coordinator the organisers of their region and the
    partners (national federations, associations) that hold events everywhere.
    """
    queryset = Organiser.objects.all() if queryset is None else queryset
    scope = scope_for(user)
    if scope.everything:
        return queryset
    q = Q(pk__in=[])
    if scope.organiser_id:
        q |= Q(pk=scope.organiser_id)
    if scope.region_code:
        q |= Q(department__region_id=scope.region_code) | Q(kind=Organiser.Kind.PARTNER)
    return queryset.filter(q)


def organisers_editable(user, queryset: QuerySet | None = None) -> QuerySet:
    """Organisers `user` may edit: those they may choose, but the partners that are not their own.

    A coordinator chooses a national partner (the Croix-Rouge) for an event of their region; its
    e-mail and phone, which registrants everywhere use, are national staff's to change.
    """
    queryset = organisers_in_scope(user, queryset)
    scope = scope_for(user)
    if scope.everything:
        return queryset
    return queryset.exclude(Q(kind=Organiser.Kind.PARTNER) & ~Q(pk=scope.organiser_id))


def departments_in_scope(user, queryset: QuerySet):
    """Departments `user` may place an event in: a coordinator's region; anywhere otherwise.

    An agency may hold an event beyond its department (a forum in the next town): its scope is
    its organiser, not a territory.
    """
    scope = scope_for(user)
    if scope.everything or scope.organiser_id or not scope.region_code:
        return queryset
    return queryset.filter(region_id=scope.region_code)


def event_scope_error(user, event: Event) -> str:
    """Why `event` (as edited) would leave `user`'s scope, in French; empty when it would not."""
    scope = scope_for(user)
    if scope.everything:
        return ""
    if scope.organiser_id and event.organiser_id == scope.organiser_id:
        return ""
    if scope.region_code and event.department_id:
        from semaine.models import Department

        region = (
            Department.objects.filter(pk=event.department_id)
            .values_list("region_id", flat=True)
            .first()
        )
        if region == scope.region_code:
            return ""
    if scope.organiser_id and not scope.region_code:
        return "Vous ne pouvez gérer que les événements de votre organisme."
    if scope.region_code:
        return (
            "Ce département n'est pas dans votre région : l'événement sortirait de votre périmètre."
        )
    return (
        "Votre compte n'a pas encore de périmètre (organisme ou région) : "
        "contactez l'équipe nationale."
    )


# -- who may set up whom ------------------------------------------------------------------------

ROLES = {
    GROUP_AGENCY: "Agence (conseiller·e) — les événements d'un organisateur",
    GROUP_REGIONAL: "Coordination régionale — tous les événements d'une région",
    GROUP_NATIONAL: "Équipe nationale — tous les événements, et la configuration du site",
}


def invitable_roles(user) -> list[str]:
    """The roles `user` may give a new staff member: national staff (who may add users) any;
    a regional coordinator an agency counsellor or a coordinator of their own region, never a
    national role; nobody else any."""
    scope = scope_for(user)
    if scope.everything and user.has_perm("auth.add_user"):
        return list(ROLES)
    if scope.region_code and user.groups.filter(name=GROUP_REGIONAL).exists():
        return [GROUP_AGENCY, GROUP_REGIONAL]
    return []


def invitable_organisers(user) -> QuerySet:
    """The organisers a new agency counsellor set up by `user` may work for: any for national
    staff; for a coordinator, those of their region (a national partner is national staff's)."""
    scope = scope_for(user)
    if not invitable_roles(user):
        return Organiser.objects.none()
    if scope.everything:
        return Organiser.objects.all()
    return Organiser.objects.filter(
        department__region_id=scope.region_code, kind=Organiser.Kind.AGENCY
    )


def invitable_regions(user) -> QuerySet:
    """The regions a new coordinator set up by `user` may coordinate: any for national staff,
    their own for a coordinator."""
    from semaine.models import Region

    scope = scope_for(user)
    if not invitable_roles(user):
        return Region.objects.none()
    if scope.everything:
        return Region.objects.all()
    return Region.objects.filter(pk=scope.region_code)
