"""The moderation queue of the partners' proposals: each agency sees those placed in its
department, a regional coordination those of its region (events.scoping.proposals_in_scope),
oldest first, with their age and flags. A proposal's page shows it read-only, its history, and
the three decisions: publish, ask for changes, refuse."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html_join
from django.utils.timesince import timesince
from django.views.decorators.http import require_POST

from events.models import Proposal
from events.scoping import proposals_in_scope
from events.services.proposals import (
    ProposalError,
    proposal_publish,
    proposal_refuse,
    proposal_request_changes,
)
from semaine.admin.mixins import FrenchTitlesMixin, ScopedObjectsMixin

PUBLISH, CHANGES, REFUSE = "publier", "modifications", "refuser"


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Décision",
        choices=[
            (PUBLISH, "Publier : un événement par date, avec l'organisme pour organisateur"),
            (CHANGES, "Demander des modifications (le message est envoyé au contact)"),
            (REFUSE, "Refuser (la raison est envoyée au contact)"),
        ],
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label="Message au contact",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        required=False,
        max_length=2000,
        help_text="Obligatoire pour une demande de modifications ou un refus.",
    )


class FlagFilter(admin.SimpleListFilter):
    title = "signalement"
    parameter_name = "signalement"

    def lookups(self, request, model_admin):
        return [("aucun", "Aucun"), *Proposal.Flag.choices]

    def queryset(self, request, queryset):
        if self.value() == "aucun":
            return queryset.filter(flags=[])
        if self.value() in Proposal.Flag.values:
            return queryset.filter(flags__contains=[self.value()])
        return queryset


@admin.register(Proposal)
class ProposalAdmin(FrenchTitlesMixin, ScopedObjectsMixin, admin.ModelAdmin):
    title_changelist = "Propositions des partenaires"
    title_change = title_view = "Proposition d'un partenaire"
    list_display = [
        "age_display",
        "title",
        "organisation_name",
        "department",
        "dates_display",
        "status",
        "flags_display",
    ]
    list_display_links = ["age_display", "title"]
    list_filter = ["status", FlagFilter, ("region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "organisation_name"]
    list_select_related = ["department"]
    list_per_page = 50
    ordering = ["submitted_at", "id"]  # the oldest waits first
    change_form_template = "admin/events/proposal/change_form.html"
    fieldsets = [
        (
            "Organisme et contact",
            {
                "fields": [
                    "organisation_name",
                    "siret",
                    "organisation_kind",
                    "contact_name",
                    "contact_email",
                    "contact_phone",
                    "email_failure",
                    "email_failed_at",
                ]
            },
        ),
        (
            "Événement",
            {"fields": ["title", "type", "modalite", "description", "audience", "trades"]},
        ),
        ("Dates", {"fields": ["dates_display"]}),
        (
            "Lieu et inscriptions",
            {
                "fields": [
                    "venue_name",
                    "address",
                    "postcode",
                    "city",
                    "department",
                    "wheelchair_accessible",
                    "online_url",
                    "registration_required",
                    "capacity_onsite",
                    "capacity_online",
                ]
            },
        ),
        (
            "Modération",
            {
                "fields": [
                    "status",
                    "flags_display",
                    "submitted_at",
                    "age_display",
                    "organiser",
                    "events_display",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).moderated().prefetch_related("dates")
        return proposals_in_scope(request.user, queryset)

    def _in_scope(self, request, obj) -> bool:
        return obj is None or proposals_in_scope(request.user).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return False  # partners propose on the public form

    def has_delete_permission(self, request, obj=None):
        return False  # refused rather than deleted: the history stays

    def get_readonly_fields(self, request, obj=None):
        # The partner's text is theirs: a moderator asks for changes rather than rewrites it.
        return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]

    @admin.display(description="attente", ordering="submitted_at")
    def age_display(self, obj):
        if obj.status != Proposal.Status.PENDING or obj.submitted_at is None:
            return "—"
        return timesince(obj.submitted_at, depth=1)

    @admin.display(description="dates")
    def dates_display(self, obj):
        return format_html_join(
            ", ",
            "{}",
            ((f"{d.local_start:%d/%m/%Y %H:%M}–{d.local_end:%H:%M}",) for d in obj.dates.all()),
        )

    @admin.display(description="signalements")
    def flags_display(self, obj):
        flags = obj.get_flags_display()
        if obj.email_failed_at:
            flags.append("E-mail au contact non délivré")
        return (
            format_html_join(
                " ", '<strong class="proposal-flag">⚠ {}</strong>', ((f,) for f in flags)
            )
            or "—"
        )

    @admin.display(description="événements publiés")
    def events_display(self, obj):
        events = [d.event for d in obj.dates.select_related("event") if d.event_id]
        return (
            format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                (
                    (reverse("admin:events_event_change", args=[e.pk]), f"{e.title} ({e.pk})")
                    for e in events
                ),
            )
            or "—"
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/decision/",
                self.admin_site.admin_view(self.decision_view),
                name="events_proposal_decision",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "decisions": list(obj.decisions.all()) if obj else [],
            "decision_form": DecisionForm(),
            "may_decide": bool(
                obj and obj.is_decidable and self.has_change_permission(request, obj)
            ),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @method_decorator(require_POST)
    def decision_view(self, request, object_id):
        # get_object reads the scoped queryset: another department's proposal is not found.
        proposal = self.get_object(request, object_id)
        if proposal is None or not self.has_change_permission(request, proposal):
            raise PermissionDenied
        return _decide(request, proposal)


def _decide(request, proposal: Proposal):
    form = DecisionForm(request.POST)
    change_url = reverse("admin:events_proposal_change", args=[proposal.pk])
    if not form.is_valid():
        messages.error(
            request, "Choisissez une décision (et un message de 2 000 caractères au plus)."
        )
        return redirect(change_url)
    decision, message = form.cleaned_data["decision"], form.cleaned_data["message"]
    try:
        if decision == PUBLISH:
            events = proposal_publish(proposal=proposal, user=request.user, message=message)
            messages.success(
                request,
                f"Proposition publiée : {len(events)} événement{'s' if len(events) > 1 else ''}; "
                "le contact est prévenu par e-mail.",
            )
        elif decision == CHANGES:
            proposal_request_changes(proposal=proposal, user=request.user, message=message)
            messages.success(
                request, "Modifications demandées : le contact est prévenu par e-mail."
            )
        else:
            proposal_refuse(proposal=proposal, user=request.user, reason=message)
            messages.success(request, "Proposition refusée : le contact est prévenu par e-mail.")
    except ProposalError as exc:
        messages.error(request, str(exc))
    return redirect(change_url)
