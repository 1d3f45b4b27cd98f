"""Where each staff user works, for the admin's scoping; the link of a staff invitation."""

import datetime

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import models
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

from events.models.organiser import Organiser
from semaine.models import Region


class StaffProfile(models.Model):
    """Where a staff user works: their organiser (agency or partner) and/or their region.

    The admin shows and edits only the events of that organiser or region (see events/scoping.py);
    superusers and members of the "National" group see everything.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name="utilisateur",
    )
    organiser = models.ForeignKey(
        Organiser,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name="organisateur",
        help_text="Agence ou partenaire dont la personne gère les événements.",
    )
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name="région",
        help_text="Pour une coordination régionale : tous les événements de la région.",
    )

    class Meta:
        verbose_name = "périmètre d'un membre de l'équipe"
        verbose_name_plural = "périmètres de l'équipe"

    def __str__(self):
        scope = " et ".join(str(x) for x in (self.organiser, self.region) if x) or "aucun"
        return f"{self.user} — {scope}"


class RegistrantAccess(models.Model):
    """A staff member saw or exported registrants' personal data: who, when, which event.

    Written by the admin (events.services.audit) and read by national staff only; kept
    ACCESS_RECORD_RETENTION_MONTHS, then purged with the registrations.
    """

    class Action(models.TextChoices):
        EXPORT = "export", "export CSV des inscrits"
        EVENT_PAGE = "event_page", "page de l'événement et ses inscrits"
        REGISTRATION = "registration", "fiche d'une inscription"
        LIST = "list", "liste des inscriptions"
        CHECKIN = "checkin", "accueil de l'événement (présences)"
        SHEET = "sheet", "feuille d'émargement"

    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="membre de l'équipe",
    )
    # Kept in clear: the record outlives a deleted account or event.
    username = models.CharField("identifiant", max_length=150)
    action = models.CharField("action", max_length=20, choices=Action.choices)
    event = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="événement",
    )
    event_title = models.CharField("titre de l'événement", max_length=200, blank=True)
    rows = models.PositiveIntegerField("inscriptions concernées", null=True, blank=True)
    detail = models.CharField("filtres ou recherche", max_length=200, blank=True)

    class Meta:
        verbose_name = "consultation des inscrits"
        verbose_name_plural = "consultations des inscrits"
        ordering = ["-at"]

    def __str__(self):
        return f"{self.username} — {self.get_action_display()} — {self.at:%d/%m/%Y %H:%M}"


INVITATION_VALID_HOURS = 72


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """The token of a staff invitation's link, with which a new staff member chooses their
    password: Django's password-reset token (it dies once a password is set, or after a login),
    valid INVITATION_VALID_HOURS hours.

    A subclass rather than PASSWORD_RESET_TIMEOUT: that setting is every reset link's lifetime
    (a forgotten-password link should live an hour, not three days), and its own `key_salt`
    keeps an invitation's token from working as a password-reset one and back. It also tells an
    expired link from a wrong one, so that the page can say which."""

    key_salt = "events.models.staff.InvitationTokenGenerator"
    max_age = datetime.timedelta(hours=INVITATION_VALID_HOURS)

    VALID, EXPIRED, INVALID = "valid", "expired", "invalid"

    def token_state(self, user, token: str | None) -> str:
        """VALID, EXPIRED (genuine, but older than `max_age`) or INVALID."""
        if not (user and token):
            return self.INVALID
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return self.INVALID
        # As Django's check_token: with the secret key, then each of its fallbacks.
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return self.INVALID
        if self._num_seconds(self._now()) - timestamp > self.max_age.total_seconds():
            return self.EXPIRED
        return self.VALID

    def check_token(self, user, token):
        return self.token_state(user, token) == self.VALID


invitation_tokens = InvitationTokenGenerator()
