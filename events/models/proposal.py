"""Events proposed by partners (employers, training institutes, associations, public bodies)
through the public form, and their moderation by the agencies.

A proposal is not an event: nothing of it is public until a moderator publishes it, which
creates one Event per date (events.services.proposals). Its contact manages it through a signed
link (`contact_token`), with no account.
"""

import datetime
import re
import zoneinfo

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from events.models import rules
from events.models.event import Event, LocalDateTime
from events.models.organiser import Organiser
from semaine.geo.postcodes import postcode_departments
from semaine.models import Department, Edition, Region, Trade

CONTACT_TOKEN_SALT = "events.proposal.contact"  # noqa: S105 - a namespace, not a secret
# The contact's link works this long: the week, its preparation and the months after it.
CONTACT_TOKEN_MAX_AGE = datetime.timedelta(days=365)
# A proposal whose address nobody confirmed is deleted after this long (the nightly purge).
UNCONFIRMED_DAYS = 7
# Postcodes of places beyond the 101 departments: 975–978 (overseas collectivities), 98xxx
# (Monaco, the Pacific). Accepted, flagged for the moderator.
OUTSIDE_DEPARTMENTS_POSTCODE = re.compile(r"97[5-8][0-9]{2}|98[0-9]{3}")
# The event's own fields a proposal carries, under the same names (Event.clean checks them).
EVENT_FIELDS = (
    "title",
    "description",
    "type",
    "modalite",
    "venue_name",
    "address",
    "postcode",
    "city",
    "department",
    "online_url",
    "capacity_onsite",
    "capacity_online",
    "registration_required",
    "audience",
    "wheelchair_accessible",
)


class ProposalQuerySet(models.QuerySet):
    def moderated(self):
        """What moderators see: every proposal whose contact confirmed their address."""
        return self.exclude(status=Proposal.Status.UNCONFIRMED)

    def awaiting_moderation(self):
        """Submitted (or resubmitted) and waiting for a moderator's decision."""
        return self.filter(status=Proposal.Status.PENDING)


class Proposal(models.Model):
    class Kind(models.TextChoices):
        EMPLOYER = "employeur", "Employeur"
        TRAINING = "formation", "Organisme de formation"
        ASSOCIATION = "association", "Association"
        PUBLIC_BODY = "public", "Organisme public"

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", "Adresse e-mail à confirmer"
        PENDING = "pending", "À modérer"
        CHANGES_REQUESTED = "changes_requested", "Modifications demandées"
        PUBLISHED = "published", "Publiée"
        REFUSED = "refused", "Refusée"
        CANCELLED = "cancelled", "Annulée par le partenaire"

    # The contact may still change the proposal (once published, the events are staff's).
    EDITABLE_STATUSES = (Status.UNCONFIRMED, Status.PENDING, Status.CHANGES_REQUESTED)
    # A moderator may decide on it.
    DECIDABLE_STATUSES = (Status.PENDING, Status.CHANGES_REQUESTED)

    class Flag(models.TextChoices):
        OUTSIDE_DEPARTMENTS = "hors_departements", "Hors des 101 départements"
        OUTSIDE_WEEK = "hors_semaine", "Dates hors de la semaine"
        DUPLICATE = "doublon", "Doublon possible"

    organisation_name = models.CharField("organisme", max_length=200)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    organisation_kind = models.CharField("type d'organisme", max_length=20, choices=Kind.choices)
    contact_name = models.CharField("nom du contact", max_length=150, blank=True)
    # Blank once anonymised (events.services.proposals.proposals_purge).
    contact_email = models.EmailField("e-mail du contact", max_length=254, blank=True)
    contact_phone = models.CharField("téléphone du contact", max_length=20, blank=True)

    title = models.CharField("titre", max_length=200)
    description = models.TextField("description", blank=True)
    type = models.CharField("type", max_length=30, choices=Event.Type.choices)
    modalite = models.CharField(
        "modalité", max_length=20, choices=Event.Modalite.choices, default=Event.Modalite.PRESENTIEL
    )
    venue_name = models.CharField("lieu", max_length=200, blank=True)
    address = models.CharField("adresse", max_length=300, blank=True)
    postcode = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("ville", max_length=100, blank=True)
    # None: outside the 101 departments (flagged; only national staff see it then).
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="département",
    )
    # Copied from the department on save: a coordination's queue is its region's.
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="région",
        editable=False,
    )
    online_url = models.URLField("lien de connexion", max_length=500, blank=True)
    trades = models.ManyToManyField(Trade, blank=True, related_name="+", verbose_name="métiers")
    audience = models.CharField(
        "public", max_length=20, choices=Event.Audience.choices, default=Event.Audience.TOUS
    )
    capacity_onsite = models.PositiveIntegerField("places sur place", null=True, blank=True)
    capacity_online = models.PositiveIntegerField("places en ligne", null=True, blank=True)
    registration_required = models.BooleanField("inscription obligatoire", default=True)
    wheelchair_accessible = models.BooleanField("accessible en fauteuil roulant", default=False)

    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, related_name="+", verbose_name="édition"
    )
    status = models.CharField(
        "état", max_length=20, choices=Status.choices, default=Status.UNCONFIRMED
    )
    flags = models.JSONField("signalements", default=list, blank=True, editable=False)
    # The partner the events are published under (set at publication).
    organiser = models.ForeignKey(
        Organiser,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name="organisateur",
        editable=False,
    )
    created_at = models.DateTimeField("proposée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    # When it last reached the moderators (address confirmed, or changes resubmitted): its age.
    submitted_at = models.DateTimeField("soumise le", null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField("anonymisée le", null=True, blank=True, editable=False)
    # An e-mail to the contact the mail server refused for good, or gave up on after the
    # retries (events.proposal_emails): what moderators see, so that they phone instead.
    email_failed_at = models.DateTimeField("e-mail non délivré le", null=True, blank=True)
    email_failure = models.CharField("e-mail non délivré", max_length=200, blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = "proposition d'événement"
        verbose_name_plural = "propositions d'événements"
        ordering = ["submitted_at", "id"]
        indexes = [
            models.Index(fields=["status", "department"], name="proposal_status_department"),
            models.Index(fields=["status", "region"], name="proposal_status_region"),
        ]

    def __str__(self):
        return self.title

    def contact_token(self) -> str:
        """The signed link's token of the contact's page (events.views.proposals)."""
        return signing.dumps({"p": self.pk}, salt=CONTACT_TOKEN_SALT, compress=True)

    @classmethod
    def from_token(cls, token: str) -> "Proposal | None":
        """The proposal of a contact's link; None for a forged, expired or dead link."""
        try:
            data = signing.loads(token, salt=CONTACT_TOKEN_SALT, max_age=CONTACT_TOKEN_MAX_AGE)
        except signing.BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("p"), int):
            return None
        return (
            cls.objects.select_related("department", "organiser")
            .filter(pk=data["p"], anonymised_at__isnull=True)
            .first()
        )

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        if self.department_id and self.department:
            return self.department.tzinfo
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def is_decidable(self) -> bool:
        return self.status in self.DECIDABLE_STATUSES

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_unconfirmed(self) -> bool:
        return self.status == self.Status.UNCONFIRMED

    @property
    def awaits_changes(self) -> bool:
        return self.status == self.Status.CHANGES_REQUESTED

    @property
    def is_cancellable(self) -> bool:
        return self.status not in (self.Status.REFUSED, self.Status.CANCELLED)

    def get_flags_display(self) -> list[str]:
        labels = dict(self.Flag.choices)
        return [labels.get(flag, flag) for flag in self.flags]

    def as_event(self, start=None, end=None) -> Event:
        """An unsaved event with this proposal's fields: what Event.clean() checks, and what
        publication saves (events.services.proposals.proposal_publish)."""
        return Event(
            **{name: getattr(self, name) for name in EVENT_FIELDS if name != "department"},
            department_id=self.department_id,
            start=start,
            end=end,
        )

    def clean(self):
        """The admin's rules of an event (Event.clean), said next to the proposal's fields,
        except that a place no commune of the 101 departments has is accepted (flagged for the
        moderator) rather than refused."""
        event = self.as_event()
        try:
            event.clean()
        except ValidationError as exc:
            errors = {
                field: messages
                for field, messages in exc.message_dict.items()
                if field in EVENT_FIELDS and not self._outside_departments(field)
            }
            if errors:
                raise ValidationError(errors) from None
        if self.is_onsite and not self.department_id:
            self.department_id = event.department_id

    @property
    def is_onsite(self) -> bool:
        return self.modalite in Event.ONSITE_MODES

    def _outside_departments(self, field: str) -> bool:
        """Whether the error on `field` only says that the postcode is in none of the 101
        departments but in a French territory beyond them (Saint-Pierre-et-Miquelon,
        Saint-Barthélemy, Saint-Martin, the Pacific) or Monaco: a typo elsewhere stays an
        error, as in the admin."""
        return (
            field in ("postcode", "department")
            and self.is_onsite
            and not self.department_id
            and OUTSIDE_DEPARTMENTS_POSTCODE.fullmatch(self.postcode) is not None
            and not postcode_departments(self.postcode)
        )

    def save(self, *args, **kwargs):
        self.region_id = (
            Department.objects.values_list("region_id", flat=True).get(pk=self.department_id)
            if self.department_id
            else None
        )
        super().save(*args, **kwargs)


class ProposalDate(models.Model):
    """One date of a proposal: publication makes one event of each."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="dates", verbose_name="proposition"
    )
    start = models.DateTimeField("début")
    end = models.DateTimeField("fin")
    event = models.OneToOneField(
        Event,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposal_date",
        verbose_name="événement publié",
    )

    class Meta:
        verbose_name = "date proposée"
        verbose_name_plural = "dates proposées"
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="proposal_date_end_after_start",
                violation_error_message=rules.END_AFTER_START,
            ),
        ]

    def __str__(self):
        return f"{self.local_start:%d/%m/%Y %H:%M}"

    @property
    def local_start(self) -> datetime.datetime:
        return LocalDateTime.of(self.start, self.proposal.tzinfo)

    @property
    def local_end(self) -> datetime.datetime:
        return LocalDateTime.of(self.end, self.proposal.tzinfo)


class ProposalDecision(models.Model):
    """What happened to a proposal, by whom and when: its history, shown to moderators and to
    the contact. `user` is empty for the contact's own steps."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Proposée"
        CONFIRMED = "confirmed", "Adresse confirmée, transmise à la modération"
        EDITED = "edited", "Modifiée par le contact"
        RESUBMITTED = "resubmitted", "Modifiée et renvoyée à la modération"
        PUBLISHED = "published", "Publiée"
        CHANGES_REQUESTED = "changes_requested", "Modifications demandées"
        REFUSED = "refused", "Refusée"
        CANCELLED = "cancelled", "Annulée par le contact"

    # A moderator's decisions, as opposed to the contact's steps.
    MODERATION = (Action.PUBLISHED, Action.CHANGES_REQUESTED, Action.REFUSED)

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="decisions", verbose_name="proposition"
    )
    at = models.DateTimeField("date", auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="membre de l'équipe",
    )
    # Kept in clear: the record outlives a deleted account. Empty for the contact.
    username = models.CharField("identifiant", max_length=150, blank=True)
    action = models.CharField("décision", max_length=20, choices=Action.choices)
    message = models.TextField("message", blank=True)

    class Meta:
        verbose_name = "décision sur une proposition"
        verbose_name_plural = "décisions sur les propositions"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} — {self.at:%d/%m/%Y %H:%M}"

    @property
    def by(self) -> str:
        return self.username or "le contact"
