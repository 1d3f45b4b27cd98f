"""Shared vocabulary in the admin: read-mostly lists that event forms search and filter by."""

from django import forms
from django.contrib import admin
from django.db.models import Case, When

from semaine.admin.mixins import FrenchTitlesMixin
from semaine.models import EMPTY_EXPANSION, Department, Edition, Region, SearchTerm, Trade


class ReadOnlyAdmin(FrenchTitlesMixin, admin.ModelAdmin):
    """Reference data comes from INSEE and France Travail (loaded by migrations): not edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    title_changelist, title_view = "Régions", "Région"
    list_display = ["code", "name"]
    search_fields = ["name", "code"]


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    title_changelist, title_view = "Départements", "Département"
    list_display = ["code", "name", "region", "time_zone"]
    list_filter = ["region"]
    search_fields = ["name", "code"]
    list_select_related = ["region"]

    def get_search_results(self, request, queryset, search_term):
        # The event form's autocomplete: « Rhô » offers the Rhône before the Bouches-du-Rhône
        # (by code, 13 came first and was picked), then the code typed, then the others.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            queryset = queryset.annotate(
                match_rank=Case(
                    When(code__iexact=term, then=0),
                    When(name__unaccent__istartswith=term, then=1),
                    default=2,
                )
            ).order_by("match_rank", "code")
        return queryset, may_have_duplicates


@admin.register(Trade)
class TradeAdmin(ReadOnlyAdmin):
    title_changelist, title_view = "Métiers (ROME)", "Métier"
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
class EditionAdmin(FrenchTitlesMixin, admin.ModelAdmin):
    title_changelist = "Éditions de la Semaine"
    title_add = "Nouvelle édition"
    title_change = "Modifier l'édition"
    title_view = "Édition"
    list_display = ["year", "start_date", "end_date", "is_current"]


class SearchTermForm(forms.ModelForm):
    class Meta:
        model = SearchTerm
        fields = ["phrase", "kind", "trades", "expansions"]

    def clean(self):
        cleaned = super().clean()
        # The trades are a many-to-many field: only the form sees them with the words.
        if not cleaned.get("trades") and not cleaned.get("expansions") and not self.errors:
            raise forms.ValidationError(EMPTY_EXPANSION)
        return cleaned


@admin.register(SearchTerm)
class SearchTermAdmin(FrenchTitlesMixin, admin.ModelAdmin):
    """The search vocabulary, edited by national staff: what a word people type means."""

    title_changelist = "Vocabulaire de la recherche"
    title_add = "Nouveau terme de recherche"
    title_change = "Modifier le terme de recherche"
    title_view = "Terme de recherche"

    form = SearchTermForm
    list_display = ["phrase", "kind", "trade_codes", "expansion_list"]
    list_filter = ["kind", "trades"]
    search_fields = ["phrase", "key", "expansions"]
    autocomplete_fields = ["trades"]
    readonly_fields = ["key"]
    fields = ["phrase", "key", "kind", "trades", "expansions"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("trades")

    @admin.display(description="métiers")
    def trade_codes(self, term):
        return ", ".join(t.code for t in term.trades.all())

    @admin.display(description="se développe en")
    def expansion_list(self, term):
        shown = ", ".join(term.expansions[:6])
        return f"{shown}…" if len(term.expansions) > 6 else shown
