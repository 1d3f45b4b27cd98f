"""The record of who saw or exported registrants (events.services.audit), for national staff."""

from django.contrib import admin

from events.models import RegistrantAccess
from semaine.admin.mixins import FrenchTitlesMixin


@admin.register(RegistrantAccess)
class RegistrantAccessAdmin(FrenchTitlesMixin, admin.ModelAdmin):
    title_changelist = "Consultations des inscrits"
    title_view = "Consultation des inscrits"
    list_display = ["at", "username", "action", "event_title", "rows", "detail"]
    list_filter = ["action", ("at", admin.DateFieldListFilter)]
    search_fields = ["username", "event_title"]
    date_hierarchy = "at"

    # A record: nobody adds, edits or deletes one by hand (the purge removes the old ones).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
