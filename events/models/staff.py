"""Where each staff user works, for the admin's scoping."""

from django.conf import settings
from django.db import models

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
