"""Shared vocabulary in the admin: read-mostly lists that event forms search and filter by."""

from django.contrib import admin

from semaine.models import Department, Edition, Region, Trade


class ReadOnlyAdmin(admin.ModelAdmin):
    """Reference data comes from INSEE and France Travail (loaded by migrations): not edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code"]


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "region", "time_zone"]
    list_filter = ["region"]
    search_fields = ["name", "code"]
    list_select_related = ["region"]


@admin.register(Trade)
class TradeAdmin(ReadOnlyAdmin):
    list_display = ["code", "label", "domain", "sector", "version"]
    list_filter = ["version", "sector"]
    search_fields = ["code", "label", "domain"]

    def get_search_results(self, request, queryset, search_term):
        # Events and offers are tagged with ROME 4.0 trades only: the autocomplete offers those.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.path.endswith("/autocomplete/"):
            queryset = queryset.filter(version=Trade.Version.V4)
        return queryset, may_have_duplicates


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["year", "start_date", "end_date", "is_current"]
