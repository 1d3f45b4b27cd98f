"""Jobseekers' registrations to events."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core import signing
from django.db import models

from events.models import rules
from events.models.event import Event
from events.models.querysets import RegistrationQuerySet
from events.models.survey import SURVEY_TOKEN_SALT

CANCEL_TOKEN_SALT = "events.registration.cancel"  # noqa: S105 - a namespace, not a secret
CHECKIN_TOKEN_SALT = "events.registration.checkin"  # noqa: S105 - a namespace, not a secret
CONFIRM_TOKEN_SALT = "events.registration.confirm"  # noqa: S105 - a namespace, not a secret


class Registration(models.Model):
    class Mode(models.TextChoices):
        PRESENTIEL = "presentiel", "Sur place"
        DISTANCIEL = "distanciel", "En ligne"

    class Status(models.TextChoices):
        # Submitted, its e-mail address not confirmed yet (double opt-in): until `confirm_by`.
        PENDING = "pending", "E-mail à confirmer"
        CONFIRMED = "confirmed", "Confirmée"
        WAITLISTED = "waitlisted", "Liste d'attente"
        CANCELLED = "cancelled", "Annulée"

    # Not cancelled (see RegistrationQuerySet.active).
    ACTIVE_STATUSES = (Status.CONFIRMED, Status.WAITLISTED)

    class Attendance(models.TextChoices):
        # Empty until someone records it: "not recorded" is not "absent".
        UNRECORDED = "", "Non relevée"
        PRESENT = "present", "Présent·e"
        ABSENT = "absent", "Absent·e"

    class Situation(models.TextChoices):
        JOBSEEKER = "demandeur_emploi", "En recherche d'emploi"
        STUDENT = "etudiant", "Étudiant ou étudiante"
        EMPLOYED = "en_emploi", "En emploi"

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name="événement"
    )
    mode = models.CharField(
        "participation", max_length=20, choices=Mode.choices, default=Mode.PRESENTIEL
    )
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    email = models.EmailField("e-mail", max_length=254)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    situation = models.CharField("situation", max_length=20, choices=Situation.choices, blank=True)
    consent_contact = models.BooleanField("accepte d'être contacté·e", default=False)
    status = models.CharField("statut", max_length=20, choices=Status.choices)
    created_at = models.DateTimeField("inscrit le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    # Set when the reminder is queued, in the same transaction: never queued twice.
    reminder_sent_at = models.DateTimeField("rappel envoyé le", null=True, blank=True)
    anonymised_at = models.DateTimeField("anonymisée le", null=True, blank=True)
    # A message the mail server refused for good (unknown address…), or gave up on after a day
    # and a half of retries: what staff see, so that they can call the person.
    email_failed_at = models.DateTimeField("e-mail non délivré le", null=True, blank=True)
    email_failure = models.CharField("e-mail non délivré", max_length=200, blank=True)
    attendance = models.CharField(
        "présence", max_length=10, choices=Attendance.choices, default="", blank=True
    )
    attendance_at = models.DateTimeField("présence relevée le", null=True, blank=True)
    attendance_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="présence relevée par",
    )
    # Set when the follow-up e-mail (survey, or next events for a no-show) is queued: once.
    followup_sent_at = models.DateTimeField("suivi envoyé le", null=True, blank=True)
    # Which survey questions were answered (not the answers, stored apart): each counts once.
    survey_answered = ArrayField(
        models.CharField(max_length=20),
        default=list,
        blank=True,
        verbose_name="questions répondues",
    )
    # Double opt-in: a pending registration is deleted if its address is not confirmed by then.
    confirm_by = models.DateTimeField("à confirmer avant", null=True, blank=True)
    # A pending registration that holds a seat (there was one left when it was submitted): it
    # counts in the event's seat counters until it is confirmed or expires.
    seat_held = models.BooleanField("place retenue", default=False)
    # The submitter's network (IPv4 address or IPv6 /64) hashed with the secret key, to cap the
    # registrations to one event from one network; erased with the rest by the purge.
    network = models.CharField("réseau (empreinte)", max_length=64, blank=True, editable=False)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = "inscription"
        ordering = ["created_at", "id"]
        constraints = [
            # One person registers once per event, whatever the case of their e-mail.
            models.UniqueConstraint(
                "event",
                models.functions.Lower("email"),
                name="registration_one_per_email",
                violation_error_message=rules.ONE_REGISTRATION_PER_EMAIL,
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending", confirm_by__isnull=False)
                | (
                    ~models.Q(status="pending") & models.Q(confirm_by__isnull=True, seat_held=False)
                ),
                name="registration_pending_has_deadline",
            ),
        ]
        indexes = [
            models.Index(
                fields=["event", "mode", "status", "created_at"], name="registration_queue"
            ),
            # The expiry task's scan: pending registrations only, by deadline.
            models.Index(
                fields=["confirm_by"],
                name="registration_pending",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self):
        # Admin history (django_admin_log) keeps str() of what staff changed, for good: a
        # registrant's name there would outlive the retention period.
        return f"Inscription n° {self.pk} — {self.event}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def is_waitlisted(self) -> bool:
        return self.status == self.Status.WAITLISTED

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    def waitlist_position(self) -> int | None:
        """Place in its event's waitlist for its mode (first come, first served); None when
        not waitlisted."""
        if not self.is_waitlisted:
            return None
        ahead = (
            Registration.objects.waitlisted()
            .filter(event_id=self.event_id, mode=self.mode, created_at__lte=self.created_at)
            .exclude(created_at=self.created_at, id__gt=self.id)
        )
        return ahead.count()

    def cancel_token(self) -> str:
        """Signed, unguessable token of the cancellation link (it names no person)."""
        return signing.dumps({"r": self.pk}, salt=CANCEL_TOKEN_SALT, compress=True)

    def checkin_token(self) -> str:
        """Signed token of the check-in link (the QR code shown at the door); it names no
        person, and is bound to the event so that it cannot check anyone in elsewhere."""
        return signing.dumps({"r": self.pk, "e": self.event_id}, salt=CHECKIN_TOKEN_SALT)

    def survey_token(self, question: str, answer: str) -> str:
        """Signed token of one one-click answer of the follow-up survey."""
        return signing.dumps({"r": self.pk, "q": question, "a": answer}, salt=SURVEY_TOKEN_SALT)

    def confirm_token(self) -> str:
        """Signed token of the confirmation link of a pending registration. It carries the
        deadline and the event, so that an expired link says so, and leads back to the event's
        form, even after the registration is deleted."""
        deadline = int(self.confirm_by.timestamp()) if self.confirm_by else 0
        data = {"r": self.pk, "e": self.event_id, "by": deadline}
        return signing.dumps(data, salt=CONFIRM_TOKEN_SALT, compress=True)


class WalkIn(models.Model):
    """A person who came to an event without registering, added at the door: counted present.

    Not a Registration: it takes no seat (the seat counters stay those of registrations) and
    needs no e-mail address.
    """

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="walk_ins", verbose_name="événement"
    )
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    email = models.EmailField("e-mail", max_length=254, blank=True)
    created_at = models.DateTimeField("arrivé·e le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="ajouté·e par",
    )
    anonymised_at = models.DateTimeField("anonymisé le", null=True, blank=True)

    class Meta:
        verbose_name = "participant·e sans inscription"
        verbose_name_plural = "participant·es sans inscription"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Participant·e sans inscription n° {self.pk} — {self.event}"
