"""The agencies and partners that organise events."""

from django.db import models

from semaine.models import Department


class Organiser(models.Model):
    class Kind(models.TextChoices):
        AGENCY = "agence", "Agence France Travail"
        PARTNER = "partenaire", "Partenaire"

    name = models.CharField("nom", max_length=200, unique=True)
    kind = models.CharField("type", max_length=20, choices=Kind.choices, default=Kind.AGENCY)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, verbose_name="département"
    )
    email = models.EmailField("e-mail de contact", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    website = models.URLField("site web", blank=True)

    class Meta:
        verbose_name = "organisateur"
        ordering = ["name"]

    def __str__(self):
        return self.name
