"""Organisers and staff users in the admin, with each user's scope."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count, Q

from events.admin.onboarding import StaffInvitationMixin
from events.models import Organiser, StaffProfile
from events.scoping import events_in_scope, organisers_editable, organisers_in_scope
from semaine.admin.mixins import FrenchTitlesMixin, HttpsLinksMixin

# -- organisers and staff -----------------------------------------------------------------------


@admin.register(Organiser)
class OrganiserAdmin(FrenchTitlesMixin, HttpsLinksMixin, admin.ModelAdmin):
    title_changelist = "Organisateurs"
    title_add = "Nouvel organisateur"
    title_change = "Modifier l'organisateur"
    title_view = "Organisateur"
    list_display = ["name", "kind", "department", "email", "events_count"]
    list_filter = ["kind", ("department__region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name"]
    autocomplete_fields = ["department"]

    def get_queryset(self, request):
        queryset = organisers_in_scope(request.user, super().get_queryset(request))
        return queryset.annotate(
            n_events=Count("events", filter=Q(events__in=events_in_scope(request.user)))
        ).order_by("name")

    @admin.display(description="événements", ordering="n_events")
    def events_count(self, obj):
        return obj.n_events

    def _own(self, request, obj):
        # Seen (those the user may choose for an event) is not editable: see organisers_editable.
        return obj is None or organisers_editable(request.user).filter(pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._own(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._own(request, obj)


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    autocomplete_fields = ["organiser"]
    verbose_name_plural = "périmètre (organisateur et/ou région)"


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(FrenchTitlesMixin, StaffInvitationMixin, BaseUserAdmin):
    title_changelist = "Utilisateurs"
    title_change = "Modifier l'utilisateur"
    title_view = "Utilisateur"
    inlines = [StaffProfileInline]
    list_display = ["username", "email", "is_staff", "groups_display", "scope_display"]
    list_filter = ["is_staff", "is_active", "groups"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("staff_profile__organiser", "staff_profile__region")
            .prefetch_related("groups")
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # National staff set people up (group, organiser); nobody but a superuser escalates.
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description="groupes")
    def groups_display(self, obj):
        return ", ".join(g.name for g in obj.groups.all())

    @admin.display(description="périmètre")
    def scope_display(self, obj):
        profile = getattr(obj, "staff_profile", None)
        if profile is None:
            return ""
        return " et ".join(str(x) for x in (profile.organiser, profile.region) if x)
