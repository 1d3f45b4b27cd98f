"""Offers in the admin: scoped like events (organiser or region), plus France Travail uploads."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from events.scoping import events_in_scope, organisers_in_scope, scope_for
from offers.imports.francetravail.importer import import_offers
from offers.models import Offer
from offers.scoping import offers_in_scope
from semaine.admin.mixins import FrenchTitlesMixin, HttpsLinksMixin, ScopedObjectsMixin


class OfferUploadForm(forms.Form):
    file = forms.FileField(
        label="Fichier d'offres France Travail (JSON)",
        help_text="Réponse de l'API « Offres d'emploi v2 » ({\"resultats\": […]}) ou liste "
        "d'offres. Les offres déjà connues sont mises à jour, jamais dupliquées.",
    )
    full = forms.BooleanField(
        label="Fichier complet : clore les offres France Travail absentes du fichier",
        required=False,
    )


class OfferAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        scope = scope_for(self.request_user)
        if scope.everything:
            return cleaned
        organiser = cleaned.get("organiser")
        department = cleaned.get("department")
        if scope.organiser_id and organiser and organiser.pk == scope.organiser_id:
            return cleaned
        if scope.region_code and department and department.region_id == scope.region_code:
            return cleaned
        raise forms.ValidationError(
            "Cette offre sortirait de votre périmètre : choisissez votre organisme"
            + (" ou un département de votre région." if scope.region_code else ".")
        )


@admin.register(Offer)
class OfferAdmin(FrenchTitlesMixin, ScopedObjectsMixin, HttpsLinksMixin, admin.ModelAdmin):
    title_changelist = "Offres d'emploi et de formation"
    title_add = "Nouvelle offre"
    title_change = "Modifier l'offre"
    title_view = "Offre"

    form = OfferAdminForm
    list_display = [
        "title",
        "nature",
        "employer_or_organisation",
        "city",
        "department",
        "contract_type",
        "status",
        "published_at",
        "source",
    ]
    list_filter = [
        "nature",
        "status",
        "contract_type",
        "work_study",
        "diploma",
        "source",
        ("region", admin.RelatedOnlyFieldListFilter),
        "location_source",
    ]
    search_fields = ["title", "employer", "organisation", "city", "external_id"]
    date_hierarchy = "published_at"
    list_select_related = ["department"]
    list_per_page = 50
    autocomplete_fields = ["trade", "department", "organiser", "events"]
    readonly_fields = [
        "created_at",
        "updated_at",
        "source_updated_at",
        "latitude",
        "longitude",
        "location_source",
    ]
    fieldsets = [
        (
            "Offre",
            {
                "fields": [
                    "nature",
                    "title",
                    "status",
                    "organiser",
                    "trade",
                    "description",
                    "published_at",
                    "valid_through",
                ]
            },
        ),
        (
            "Lieu",
            {
                "fields": [
                    ("postcode", "city"),
                    "department",
                    ("latitude", "longitude"),
                    "location_source",
                ]
            },
        ),
        (
            "Emploi",
            {
                "fields": [
                    "employer",
                    ("contract_type", "working_time"),
                    "salary",
                    "experience",
                    "positions",
                    "work_study",
                ]
            },
        ),
        (
            "Formation",
            {"fields": ["diploma", "organisation", "duration", "training_start", "funding"]},
        ),
        ("Événements liés", {"fields": ["events"]}),
        (
            "Source",
            {
                "classes": ["collapse"],
                "fields": [
                    ("source", "external_id"),
                    "external_url",
                    ("created_at", "updated_at", "source_updated_at"),
                ],
            },
        ),
    ]
    change_list_template = "admin/offers/offer/change_list.html"

    def get_queryset(self, request):
        return offers_in_scope(request.user, super().get_queryset(request))

    def _in_scope(self, request, obj):
        return (
            obj is None or offers_in_scope(request.user, Offer.objects.filter(pk=obj.pk)).exists()
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        return type(form_class.__name__, (form_class,), {"request_user": request.user})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "organiser":
            field.queryset = organisers_in_scope(request.user, field.queryset)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "events":
            # The autocomplete lists the user's events only; a forged id must not link an offer
            # to another agency's event (it would show first on that event's public page).
            field.queryset = events_in_scope(request.user, field.queryset)
        return field

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        scope = scope_for(request.user)
        if scope.organiser_id:
            initial.setdefault("organiser", scope.organiser_id)
        return initial

    @admin.display(description="employeur ou organisme")
    def employer_or_organisation(self, obj):
        return obj.employer or obj.organisation

    # -- upload of France Travail files ---------------------------------------------------------

    def has_upload_permission(self, request) -> bool:
        # France Travail's offers are national data: only national staff load them.
        return scope_for(request.user).everything and self.has_add_permission(request)

    def get_urls(self):
        return [
            path(
                "importer/",
                self.admin_site.admin_view(self.upload_view),
                name="offers_offer_upload",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_upload": self.has_upload_permission(request)}
        return super().changelist_view(request, extra_context)

    def upload_view(self, request):
        if not self.has_upload_permission(request):
            raise PermissionDenied
        form = OfferUploadForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            report = import_offers(form.cleaned_data["file"], full=form.cleaned_data["full"])
            level = messages.SUCCESS if report.ok and not report.rejected else messages.WARNING
            messages.add_message(request, level, report.summary())
        context = {
            **self.admin_site.each_context(request),
            "title": "Importer des offres France Travail",
            "opts": self.model._meta,
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/offers/offer/upload.html", context)
